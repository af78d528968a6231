"""``ctkg inception``: the corpus to INCEpTION (XMI + type system) and back to brat.

An export is checked before anything is written: every XMI is loaded back with dkpro-cassis
against the written ``TypeSystem.xml``, every annotation's offsets must lie in the text,
and the document read back must have exactly the brat annotations it came from (ids,
types, spans and their text, arguments, attributes, normalizations, notes). Then the folder
is written all at once.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem

from ctkg.annotations.brat import Document, parse_ann
from ctkg.annotations.scheme import Scheme
from ctkg.atomic import write_files_atomically
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.catalogue import DOC_ID_RE, DOC_ID_RULE
from ctkg.inputs.links import Links
from ctkg.inputs.registry import Registry
from ctkg.interchange.export import document_cas
from ctkg.interchange.typesystem import METADATA, build_typesystem, typesystem_xml
from ctkg.interchange.xmi_import import annotation_set, cas_to_ann

TYPESYSTEM_FILE = "TypeSystem.xml"


def _short(item: tuple[object, ...]) -> str:
    return " ".join(str(x) for x in item)


def check_xmi(xmi: str, ts_xml: str, doc: Document, scheme: Scheme) -> list[Problem]:
    """Load ``xmi`` with the type system as written and compare it with ``doc``."""
    where = display_path(doc.ann_path)
    try:
        cas = load_cas_from_xmi(xmi, typesystem=load_typesystem(ts_xml))
    except Exception as exc:  # cassis raises what lxml and its own checks raise
        return [Problem(where, None, f"the XMI written does not load back: {exc}")]
    problems = []
    if cas.sofa_string != doc.text:
        problems.append(Problem(where, None, "the XMI's text differs from the .txt"))
    for fs in cas.select_all_fs():
        begin, end = getattr(fs, "begin", None), getattr(fs, "end", None)
        if begin is not None and not 0 <= begin <= (end if end is not None else -1) \
                <= len(doc.text):
            problems.append(Problem(where, None, f"{fs.type.name} at {begin}-{end} lies "
                                                 "outside the text"))
    ann, found = cas_to_ann(cas, scheme, where=where)
    problems += found
    back = parse_ann(ann, doc_id=doc.doc_id, txt_path=doc.txt_path, ann_path=doc.ann_path,
                     text=doc.text)
    before, after = annotation_set(doc), annotation_set(back)
    problems += [Problem(where, None, f"lost on the way to INCEpTION and back: {_short(x)}")
                 for x in sorted(before - after, key=str)]
    problems += [Problem(where, None, f"appeared on the way to INCEpTION and back: "
                                      f"{_short(x)}") for x in sorted(after - before, key=str)]
    return problems


def export_files(docs: list[Document], scheme: Scheme) -> dict[str, bytes]:
    """``TypeSystem.xml`` and one ``<document id>.xmi`` per document, each checked by
    :func:`check_xmi`; CTKGError with every problem if any."""
    ts_xml = typesystem_xml(scheme)
    ts = build_typesystem(scheme)
    files = {TYPESYSTEM_FILE: ts_xml.encode("utf-8")}
    problems: list[Problem] = []
    for doc in docs:
        problems += doc.problems
        cas, found = document_cas(doc, scheme, ts)
        problems += found
        if found or doc.problems:
            continue
        xmi = cas.to_xmi()
        assert isinstance(xmi, str)
        problems += check_xmi(xmi, ts_xml, doc, scheme)
        files[f"{doc.doc_id}.xmi"] = xmi.encode("utf-8")
    if problems:
        raise CTKGError(problems)
    return files


def export_corpus(docs: list[Document], scheme: Scheme, out: Path) -> list[Path]:
    """Write the export into ``out`` atomically (nothing is replaced unless all is good)."""
    files = export_files(docs, scheme)
    write_files_atomically({out / name: data for name, data in files.items()})
    return [out / name for name in files]


@dataclass(frozen=True)
class XmiSource:
    """One XMI to import: its name (for the document id), its text and its type system."""

    name: str
    xmi: bytes
    typesystem: TypeSystem
    where: str


def xmi_sources(path: Path, default_ts: Path) -> list[XmiSource]:
    """The XMIs of a ``.xmi`` file (read with ``default_ts``) or of a zip as INCEpTION
    exports a document (its XMI with the project's type system beside it)."""
    where = display_path(path)
    try:
        if path.suffix.lower() != ".zip":
            return [XmiSource(path.name, path.read_bytes(), _typesystem(default_ts), where)]
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            ts_names = [n for n in names if n.lower().endswith("typesystem.xml")]
            ts = (load_typesystem(io.BytesIO(z.read(ts_names[0]))) if ts_names
                  else _typesystem(default_ts))
            return [XmiSource(Path(n).name, z.read(n), ts, f"{where}:{n}")
                    for n in sorted(names) if n.lower().endswith(".xmi")]
    except (OSError, zipfile.BadZipFile) as exc:
        raise CTKGError.single(path, None, f"cannot read: {exc}") from exc


def _typesystem(path: Path) -> TypeSystem:
    try:
        return load_typesystem(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise CTKGError.single(path, None, f"cannot read the type system: {exc}") from exc


def document_id(source: XmiSource, cas: Cas) -> str:
    """The document id: the metadata's ``documentId`` or the file name, without ``.xmi``
    and ``.txt`` suffixes, whichever is a valid document id first."""
    candidates = [source.name]
    meta = next(iter(cas.select(METADATA)), None) if METADATA in {
        t.name for t in cas.typesystem.get_types()} else None
    if meta is not None and meta.get("documentId"):
        candidates.insert(0, str(meta.documentId))
    for name in candidates:
        stem = re.sub(r"(\.(xmi|txt))+$", "", name, flags=re.IGNORECASE)
        if DOC_ID_RE.match(stem):
            return stem
    raise CTKGError.single(source.where, None, f"no document id in {candidates} "
                                               f"({DOC_ID_RULE})")


def import_xmi(source: XmiSource, scheme: Scheme, corpus: Path,
               labels: Mapping[str, Mapping[str, str]]) -> tuple[Path, str]:
    """The ``.ann`` path and text for one XMI; the document's ``.txt`` must exist in the
    corpus with the same text (INCEpTION never changes a text: a difference means the
    wrong file or corpus)."""
    try:
        cas = load_cas_from_xmi(source.xmi.decode("utf-8"), typesystem=source.typesystem,
                                lenient=True)
    except Exception as exc:  # cassis raises what lxml and its own checks raise
        raise CTKGError.single(source.where, None, f"not a UIMA CAS XMI: {exc}") from exc
    doc_id = document_id(source, cas)
    txt = corpus / f"{doc_id}.txt"
    if not txt.is_file():
        raise CTKGError.single(source.where, None, f"{display_path(txt)} does not exist: "
                                                   "add the text first (ctkg add)")
    if txt.read_bytes().decode("utf-8", "replace") != cas.sofa_string:
        raise CTKGError.single(source.where, None, f"its text differs from {display_path(txt)}")
    ann, problems = cas_to_ann(cas, scheme, labels=labels, where=source.where)
    if problems:
        raise CTKGError(problems)
    return txt.with_suffix(".ann"), ann


def norm_labels(registry: Registry, links: Links) -> dict[str, dict[str, str]]:
    """Labels for normalizations made in INCEpTION without one: the registry's label of a
    slug, the curated Wikidata label of a QID."""
    wikidata = {link.qid: link.wikidata_label for link in links.entities.values()
                if link.qid and link.wikidata_label}
    return {"CTKG": {slug: e.label for slug, e in registry.entries.items()},
            "Wikidata": wikidata}
