"""The ontology, concept schemes, alignment and QC queries: parse, consistent, complete.

Every QC query is also run on a small broken fixture that it must flag: a check that cannot
fail is a defect.
"""

from __future__ import annotations

import re

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ctkg.annotations.quantity import COUNTED_KINDS, QUALIFIERS

from ctkg.validate.qc import load_queries, run_qc
from tests.paths import ROOT

ONTOLOGY_DIR = ROOT / "ontology"
QC_DIR = ROOT / "queries" / "qc"
FILES = ["ctkg.ttl", "concepts.ttl", "alignment.ttl", "shapes.ttl"]
CTKG = Namespace("https://w3id.org/ctkg/ontology#")
ID = "https://w3id.org/ctkg/id/"
ERRNS = "http://www.daml.org/2002/03/agents/agent-ont#"



def _words(text: str) -> list[str]:
    """Whitespace-separated names, so long name lists stay readable."""
    return text.split()


# The contract of docs/design.md: these names are fixed.
CONTRACT_CLASSES = _words("""Actor Person Organization IntergovernmentalOrganization UNEntity State
MemberState NonStateArmedGroup TerroristGroup PrivateCompany CivilSocietyOrganization
AcademicInstitution GovernmentAgency MediaOrganization Post Place PolicyInstrument Event
Conference HighLevelConference RegionalConference Meeting SecurityCouncilMeeting SideEvent
Session Interview Speech Review Congress CounterTerrorismWeek Attack Statement Threat
PolicyGoal Technology Pillar SourceDocument Mention Assertion EventStatus DocumentKind
StatementKind""")
CONTRACT_OBJECT_PROPERTIES = _words("""participant convener organizer host coOrganizer speaker
opener
supporter place partOf followUpOf feedsInto backToBackWith status holdsPost postIn memberOf
affiliatedWith warnsOf advocates addresses exploits about occasion statementKind statedIn
pillar supportedBy evidence documentKind publisher timeGranularity""")
CONTRACT_DATATYPE_PROPERTIES = _words("""startTime endTime timeQualifier quote asOf inferred
inferenceRule annotationId publicationDate dateInferred dateEvidence truncated characterCount
wikidataEvidence""")
CONTRACT_INDIVIDUALS = _words("""Occurred Planned NewsArticle InterviewArticle SpeechTranscript
ThirdPartyRewrite DirectQuote ReportedSpeech unitSeason""")
PARTICIPATION = _words("convener organizer host coOrganizer speaker opener supporter")

THREATS = _words("""terrorism international-terrorism transnational-terrorism isil-threat
terrorist-use-of-internet terrorist-use-of-social-media terrorist-use-of-encrypted-communications
terrorist-use-of-dark-web online-terrorist-propaganda online-recruitment
terrorist-use-of-technology foreign-terrorist-fighters terrorism-financing
attacks-on-soft-targets less-sophisticated-attacks terrorist-propaganda terrorist-recruitment
violent-extremism terrorist-travel terror-cells""")
GOALS = _words("""international-cooperation multilateral-cooperation capacity-building
strengthen-ct-institutions address-root-causes resilience social-cohesion
preventing-violent-extremism engage-civil-society engage-women-and-youth engage-young-people
private-sector-cooperation human-rights victims-rights information-sharing
biometric-data-sharing multi-stakeholder-approach counter-terrorist-propaganda
counter-terrorism-financing international-legal-framework bring-perpetrators-to-justice
technology-for-good coordination-platform unity-of-ct-community stay-ahead-of-isil
sustainable-development""")
TECHNOLOGIES = _words("""social-media encrypted-communications dark-web internet new-technologies
biometrics communication-tools""")
BROADER = {
    ("threat", "terrorist-use-of-internet"): "terrorist-use-of-technology",
    ("threat", "terrorist-use-of-social-media"): "terrorist-use-of-internet",
    ("threat", "terrorist-use-of-encrypted-communications"): "terrorist-use-of-internet",
    ("threat", "terrorist-use-of-dark-web"): "terrorist-use-of-internet",
    ("threat", "online-terrorist-propaganda"): "terrorist-use-of-internet",
    ("threat", "online-recruitment"): "terrorist-use-of-internet",
    ("goal", "multilateral-cooperation"): "international-cooperation",
    ("goal", "strengthen-ct-institutions"): "capacity-building",
    ("goal", "engage-young-people"): "engage-women-and-youth",
    ("goal", "biometric-data-sharing"): "information-sharing",
}


def load(*names: str) -> Graph:
    g = Graph()
    for name in names:
        g.parse(ONTOLOGY_DIR / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load("ctkg.ttl")


@pytest.fixture(scope="module")
def everything() -> Graph:
    return load(*FILES)


# --- parsing ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", FILES)
def test_parses_in_rdflib_and_pyoxigraph(name: str) -> None:
    path = ONTOLOGY_DIR / name
    g = Graph().parse(path, format="turtle")
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(g) == len(quads) > 0


@pytest.mark.parametrize("name", ["ctkg.ttl", "concepts.ttl", "alignment.ttl"])
def test_no_blank_nodes_outside_owl_syntax(name: str) -> None:
    from rdflib import BNode

    g = load(name)
    for s, p, o in g:
        assert not isinstance(s, BNode) and not isinstance(o, BNode), (s, p, o)


# --- the contract ---------------------------------------------------------------------

def _declared(g: Graph, kind: URIRef) -> set[str]:
    return {str(s)[len(str(CTKG)):] for s in g.subjects(RDF.type, kind)
            if str(s).startswith(str(CTKG))}


def test_contract_terms_declared(onto: Graph) -> None:
    assert set(CONTRACT_CLASSES) <= _declared(onto, OWL.Class)
    assert set(CONTRACT_OBJECT_PROPERTIES) <= _declared(onto, OWL.ObjectProperty)
    assert set(CONTRACT_DATATYPE_PROPERTIES) <= _declared(onto, OWL.DatatypeProperty)
    assert set(CONTRACT_INDIVIDUALS) <= _declared(onto, OWL.NamedIndividual)


def test_design_doc_ctkg_names_declared(onto: Graph) -> None:
    """Every ctkg:Name written in docs/design.md is declared (catches drift in the doc)."""
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    names = set(re.findall(r"ctkg:([A-Za-z]+)", text))
    declared = {str(s)[len(str(CTKG)):] for s in onto.subjects(RDF.type, None)
                if str(s).startswith(str(CTKG))}
    assert names - declared == set()


def test_hierarchy(onto: Graph) -> None:
    sub = lambda a, b: (CTKG[a], RDFS.subClassOf, CTKG[b]) in onto  # noqa: E731
    assert sub("Person", "Actor") and sub("Organization", "Actor")
    assert sub("MemberState", "State") and sub("TerroristGroup", "NonStateArmedGroup")
    assert sub("HighLevelConference", "Conference") and sub("SecurityCouncilMeeting", "Meeting")
    assert not any(o == CTKG.Event for o in onto.objects(CTKG.Statement, RDFS.subClassOf))
    for p in PARTICIPATION:
        assert (CTKG[p], RDFS.subPropertyOf, CTKG.participant) in onto
    assert (CTKG.unitSeason, RDF.type, URIRef("http://www.w3.org/2006/time#TemporalUnit")) in onto


def test_label_and_definition(onto: Graph) -> None:
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual):
        for s in onto.subjects(RDF.type, kind):
            if not str(s).startswith(str(CTKG)):
                continue
            labels = [o for o in onto.objects(s, RDFS.label) if isinstance(o, Literal)]
            defs = [o for o in onto.objects(s, SKOS.definition) if isinstance(o, Literal)]
            assert [lab.language for lab in labels] == ["en"], s
            assert [d.language for d in defs] == ["en"], s
            local = str(s)[len(str(CTKG)):]
            assert re.sub(r"[\s-]", "", str(labels[0])).lower() == local.lower(), s


def test_naming_conventions(onto: Graph) -> None:
    upper = re.compile(r"^[A-Z][A-Za-z0-9]*$")
    lower = re.compile(r"^[a-z][A-Za-z0-9]*$")
    for name in _declared(onto, OWL.Class):
        assert upper.match(name), name
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for name in _declared(onto, kind):
            assert lower.match(name), name


def test_ontology_metadata(onto: Graph) -> None:
    o = URIRef("https://w3id.org/ctkg/ontology")
    assert (o, RDF.type, OWL.Ontology) in onto
    assert onto.value(o, OWL.versionIRI) == URIRef("https://w3id.org/ctkg/ontology/0.3.0")
    assert str(onto.value(o, OWL.versionInfo)) == "0.3.0"
    assert onto.value(o, OWL.priorVersion) == URIRef("https://w3id.org/ctkg/ontology/0.2.0")
    uri = onto.value(o, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"))
    assert isinstance(uri, Literal) and str(uri) == str(CTKG)


# --- concept schemes -------------------------------------------------------------------

def test_concepts() -> None:
    g = load("concepts.ttl")
    kinds = {"threat": (THREATS, CTKG.Threat, "threats"), "goal": (GOALS, CTKG.PolicyGoal, "goals"),
             "technology": (TECHNOLOGIES, CTKG.Technology, "technologies"),
             "pillar": ([f"pillar-{i}" for i in range(1, 5)], CTKG.Pillar, "pillars")}
    for kind, (slugs, cls, scheme) in kinds.items():
        members = {str(s)[len(ID) + len(kind) + 1:] for s in g.subjects(RDF.type, cls)}
        assert set(slugs) <= members, set(slugs) - members
        for slug in members:
            c = URIRef(f"{ID}{kind}/{slug}")
            assert (c, RDF.type, SKOS.Concept) in g
            assert (c, SKOS.inScheme, URIRef(f"{ID}scheme/{scheme}")) in g
            assert g.value(c, SKOS.prefLabel).language == "en"
            assert g.value(c, SKOS.definition).language == "en"
            top = (c, SKOS.topConceptOf, URIRef(f"{ID}scheme/{scheme}")) in g
            assert top != (g.value(c, SKOS.broader) is not None), c
            if kind == "goal":
                assert g.value(c, CTKG.pillar) is not None, c
    for (kind, slug), broader in BROADER.items():
        assert (URIRef(f"{ID}{kind}/{slug}"), SKOS.broader, URIRef(f"{ID}{kind}/{broader}")) in g


@pytest.mark.parametrize("name", ["concepts.ttl", "alignment.ttl"])
def test_every_wikidata_id_has_evidence(name: str) -> None:
    """A QID on a data line must also appear in an '# evidence' comment of the file."""
    text = (ONTOLOGY_DIR / name).read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "evidence" in comments
    for qid in set(re.findall(r"\bwd:(Q\d+)", code)):
        assert re.search(rf"\b{qid}\b", comments), f"{qid} lacks evidence"


# --- OWL RL ----------------------------------------------------------------------------

def test_owl_rl_consistent() -> None:
    g = load("ctkg.ttl", "alignment.ttl", "concepts.ttl")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    assert not list(g.subjects(RDF.type, OWL.Nothing))
    assert not [t for t in g if str(t[1]).startswith(ERRNS)]


def test_owl_rl_detects_inconsistency() -> None:
    """The check above can fail: Occurred and Planned are different, sameAs clashes."""
    g = load("ctkg.ttl")
    g.add((CTKG.Occurred, OWL.sameAs, CTKG.Planned))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    assert [t for t in g if str(t[1]).startswith(ERRNS)]


# --- QC queries ------------------------------------------------------------------------

def test_qc_headers() -> None:
    queries = load_queries(QC_DIR)
    names = {q.name for q in queries}
    assert {"missing-label-violation", "missing-definition-violation",
            "label-iri-mismatch-violation", "undeclared-term-violation",
            "missing-ontology-metadata-violation", "entity-without-type-violation",
            "duplicate-qid-violation", "assertion-without-support-violation"} <= names
    for q in queries:
        assert q.name.endswith("-violation") and q.description


def test_qc_clean_on_ontology() -> None:
    results = run_qc([ONTOLOGY_DIR / f for f in FILES], QC_DIR)
    bad = {r.name: r.rows for r in results if r.rows}
    assert not bad


P = """@prefix ctkg: <https://w3id.org/ctkg/ontology#> .
@prefix ctkgid: <https://w3id.org/ctkg/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix gaf: <http://groundedannotationframework.org/gaf#> .
"""
BROKEN = {
    "missing-label-violation": "ctkg:Foo a owl:Class ; skos:definition \"a foo\"@en .",
    "missing-definition-violation": "ctkg:Foo a owl:Class ; rdfs:label \"foo\"@en .",
    "label-iri-mismatch-violation":
        "ctkg:warnsOf a owl:ObjectProperty ; rdfs:label \"warns about\"@en ;"
        " skos:definition \"x\"@en .",
    "undeclared-term-violation": "ctkgid:person\\/x ctkg:warnOf ctkgid:threat\\/terrorism .",
    "missing-ontology-metadata-violation":
        "<https://w3id.org/ctkg/ontology> a owl:Ontology ; rdfs:label \"x\" .",
    "entity-without-type-violation": "ctkgid:person\\/x rdfs:label \"X\" .",
    "duplicate-qid-violation":
        "ctkgid:person\\/a a ctkg:Person ; owl:sameAs wd:Q1 .\n"
        "ctkgid:person\\/b a ctkg:Person ; owl:sameAs wd:Q1 .",
    "assertion-without-support-violation":
        "ctkgid:assertion\\/d\\/R1 a ctkg:Assertion ; rdf:subject ctkgid:person\\/a .\n"
        "ctkgid:assertion\\/d\\/R2 a ctkg:Assertion ; ctkg:inferred true .",
    "inferred-without-evidence-violation":
        "ctkgid:assertion\\/d\\/E1-time a ctkg:Assertion ; ctkg:inferred true ;"
        " ctkg:inferenceRule \"next-year\" .",
    "unknown-concept-violation": "ctkgid:person\\/a ctkg:warnsOf ctkgid:threat\\/no-such-threat .",
    "reified-fact-not-asserted-violation":
        "ctkgid:assertion\\/d\\/R1 a ctkg:Assertion ; rdf:subject ctkgid:person\\/a ;"
        " rdf:predicate ctkg:warnsOf ; rdf:object ctkgid:threat\\/terrorism .",
    "paraphrase-without-original-violation":
        "ctkgid:statement\\/r\\/E1 ctkg:statementKind ctkg:Paraphrase ;"
        " ctkg:statedIn ctkgid:document\\/r ; ctkg:speaker ctkgid:person\\/a ;"
        " ctkg:paraphraseOf ctkgid:statement\\/r\\/E2 .\n"
        "ctkgid:statement\\/r\\/E2 a ctkg:Statement ; ctkg:statedIn ctkgid:document\\/r ;"
        " ctkg:speaker ctkgid:person\\/a .",
    "generic-label-violation":
        "ctkgid:event\\/a a ctkg:RegionalConference ; skos:altLabel \"This conference\"@en .\n"
        "ctkgid:post\\/m a ctkg:Post ; skos:altLabel \"Minister\"@en .\n"
        "ctkgid:person\\/g a ctkg:Person ; skos:altLabel \"Secretary-General\"@en .\n"
        "ctkgid:post\\/sg a ctkg:Post ; skos:prefLabel \"Secretary-general\"@en .",
    "unattributed-claim-violation":
        "ctkgid:assertion\\/d\\/R7 a ctkg:Assertion ; rdf:predicate ctkg:exploits ;"
        " ctkg:supportedBy ctkgid:mention\\/d\\/T70 .\n"
        "ctkgid:mention\\/d\\/T70 oa:hasSource ctkgid:document\\/d ;"
        " oa:hasSelector ctkgid:mention\\/d\\/T70\\/position .\n"
        "ctkgid:mention\\/d\\/T70\\/position a oa:TextPositionSelector ; oa:start 20 ; oa:end 24 .\n"
        "ctkgid:statement\\/d\\/E14 a ctkg:Statement ; gaf:denotedBy ctkgid:mention\\/d\\/T69 .\n"
        "ctkgid:mention\\/d\\/T69 oa:hasSource ctkgid:document\\/d ;"
        " oa:hasSelector ctkgid:mention\\/d\\/T69\\/position .\n"
        "ctkgid:mention\\/d\\/T69\\/position a oa:TextPositionSelector ; oa:start 20 ; oa:end 90 .",
    "broader-cycle-violation":
        "ctkgid:threat\\/a skos:broader ctkgid:threat\\/b .\n"
        "ctkgid:threat\\/b skos:broader ctkgid:threat\\/a .",
}


def test_every_qc_query_has_a_broken_fixture() -> None:
    assert {q.name for q in load_queries(QC_DIR)} == set(BROKEN)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_qc_query_flags_broken_fixture(name: str) -> None:
    store = ox.Store()
    store.load((P + BROKEN[name]).encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/ctkg/graph/broken"))
    results = {r.name: r for r in run_qc(store, QC_DIR)}
    assert results[name].rows, f"{name} found nothing in its broken fixture"


def test_generic_label_violation_names_each_defect_and_spares_names() -> None:
    """Each kind of bad label is reported as such; names (an acronym, a title, a name with
    'of the') and the labels of SKOS concepts are not."""
    ok = ("ctkgid:org\\/un a ctkg:IntergovernmentalOrganization ; skos:altLabel \"UN\"@en .\n"
          "ctkgid:org\\/by a ctkg:MemberState ; skos:altLabel \"Republic of Belarus\"@en .\n"
          "ctkgid:threat\\/t a skos:Concept ; skos:prefLabel \"terrorism\"@en .\n")
    store = ox.Store()
    store.load((P + BROKEN["generic-label-violation"] + "\n" + ok).encode(),
               format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/ctkg/graph/b"))
    rows = {r.name: r for r in run_qc(store, QC_DIR)}["generic-label-violation"].rows
    text = "\n".join(rows)
    assert "'This conference'@en, problem='starts with a determiner or pronoun'" in text
    assert "'Minister'@en, problem='a bare common noun'" in text
    assert "person/g, label='Secretary-General'@en, problem='shared with" in text
    assert "post/sg, label='Secretary-general'@en, problem='shared with" in text
    assert len(rows) == 4, rows


def test_qc_runs_on_named_graph_union() -> None:
    """Data split over named graphs is joined (union default graph)."""
    store = ox.Store()
    a = ox.NamedNode("https://w3id.org/ctkg/id/person/a")
    b = ox.NamedNode("https://w3id.org/ctkg/id/person/b")
    same = ox.NamedNode(str(OWL.sameAs))
    q1 = ox.NamedNode("http://www.wikidata.org/entity/Q1")
    store.add(ox.Quad(a, same, q1, ox.NamedNode("https://w3id.org/ctkg/graph/g1")))
    store.add(ox.Quad(b, same, q1, ox.NamedNode("https://w3id.org/ctkg/graph/g2")))
    results = {r.name: r for r in run_qc(store, QC_DIR)}
    assert len(results["duplicate-qid-violation"].rows) == 1
    _name, severity, rows = results["duplicate-qid-violation"]
    assert severity == "error" and "Q1" in rows[0]


def test_registry_concept_labels_match_concepts() -> None:
    """The registry emits skos:prefLabel@en for concepts too; SKOS allows one per language,
    so a concept's registry label must equal its prefLabel in concepts.ttl (and its slug must
    exist there, docs/design.md "Registry")."""
    import tomllib

    registry = ROOT / "data" / "registry.toml"
    if not registry.is_file():
        pytest.skip("no registry yet")
    entries = tomllib.loads(registry.read_text(encoding="utf-8"))
    g = load("concepts.ttl")
    kinds = {"Threat": "threat", "PolicyGoal": "goal", "Technology": "technology"}
    for slug, entry in entries.items():
        kind = kinds.get(entry.get("type", ""))
        if kind is None:
            continue
        pref = g.value(URIRef(f"{ID}{kind}/{slug}"), SKOS.prefLabel)
        assert pref is not None, f"{kind}/{slug} missing from concepts.ttl"
        assert str(pref) == entry["label"], f"{kind}/{slug}: {pref!r} != {entry['label']!r}"


def test_qc_paraphrase_with_original_passes() -> None:
    """The paraphrase QC flags nothing when the original is a statement of another document
    by the same speaker, and flags a paraphrase with no original at all."""
    good = ("ctkgid:statement\\/r\\/E1 ctkg:statementKind ctkg:Paraphrase ;"
            " ctkg:statedIn ctkgid:document\\/r ; ctkg:speaker ctkgid:person\\/a ;"
            " ctkg:paraphraseOf ctkgid:statement\\/o\\/E2 .\n"
            "ctkgid:statement\\/o\\/E2 a ctkg:Statement ; ctkg:statedIn ctkgid:document\\/o ;"
            " ctkg:speaker ctkgid:person\\/a .\n")
    lone = ("ctkgid:statement\\/r\\/E3 ctkg:statementKind ctkg:Paraphrase ;"
            " ctkg:statedIn ctkgid:document\\/r ; ctkg:speaker ctkgid:person\\/a .")
    store = ox.Store()
    store.load((P + good + lone).encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/ctkg/graph/r"))
    results = {r.name: r for r in run_qc(store, QC_DIR)}
    rows = results["paraphrase-without-original-violation"].rows
    assert len(rows) == 1 and "statement/r/E3" in rows[0] and "statement/r/E1" not in rows[0]


def test_quantity_vocabulary_is_declared(onto: Graph) -> None:
    """Quantities (issue 16): every counts= kind and qualifier of the annotation note is a
    term of the ontology (a typo would compile to an undeclared IRI)."""
    for name in COUNTED_KINDS:
        assert (URIRef(CTKG + name), RDF.type, OWL.Class) in onto, name
    for name in QUALIFIERS.values():
        assert (URIRef(CTKG + name), RDF.type, URIRef(CTKG + "QuantityQualifier")) in onto, name


def test_qc_attributed_claim_passes() -> None:
    """The claim QC spares a claim attributed to its statement's speaker (issue 16)."""
    claim = ("ctkgid:assertion\\/d\\/R7 a ctkg:Assertion ; rdf:predicate ctkg:exploits ;"
             " ctkg:supportedBy ctkgid:mention\\/d\\/T70 ;"
             " ctkg:claimedIn ctkgid:statement\\/d\\/E14 ;"
             " <http://www.w3.org/ns/prov#wasAttributedTo> ctkgid:person\\/v .\n"
             "ctkgid:mention\\/d\\/T70 oa:hasSource ctkgid:document\\/d ;"
             " oa:hasSelector ctkgid:mention\\/d\\/T70\\/position .\n"
             "ctkgid:mention\\/d\\/T70\\/position a oa:TextPositionSelector ;"
             " oa:start 20 ; oa:end 24 .\n"
             "ctkgid:statement\\/d\\/E14 a ctkg:Statement ; ctkg:speaker ctkgid:person\\/v ;"
             " gaf:denotedBy ctkgid:mention\\/d\\/T69 .\n"
             "ctkgid:mention\\/d\\/T69 oa:hasSource ctkgid:document\\/d ;"
             " oa:hasSelector ctkgid:mention\\/d\\/T69\\/position .\n"
             "ctkgid:mention\\/d\\/T69\\/position a oa:TextPositionSelector ;"
             " oa:start 20 ; oa:end 90 .\n")
    store = ox.Store()
    store.load((P + claim).encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/ctkg/graph/d"))
    results = {r.name: r for r in run_qc(store, QC_DIR)}
    assert results["unattributed-claim-violation"].rows == []
