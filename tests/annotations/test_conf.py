"""brat conf generation: derived from the ontology, deterministic, and drift is caught."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ctkg.annotations.conf import render_all, stale_files
from ctkg.annotations.scheme import Scheme, build_scheme, checked_scheme
from ctkg.cli.main import main
from ctkg.errors import CTKGError
from ctkg.inputs.ontology import Ontology, read_ontology
from ctkg.paths import Layout
from tests.annotations.brat_loader import require_brat
from tests.paths import ROOT

FIXTURE_ONTOLOGY = Path(__file__).parent / "fixtures" / "ontology" / "ctkg.ttl"


def ontology(*paths: Path) -> Ontology:
    onto, problems = read_ontology(list(paths))
    assert problems == []
    return onto


def scheme(*paths: Path) -> Scheme:
    return checked_scheme(ontology(*paths))


def rendered(path: Path = FIXTURE_ONTOLOGY) -> dict[str, str]:
    return render_all(scheme(path))


def test_annotation_conf_sections() -> None:
    conf = rendered()["annotation.conf"]
    sections = [ln for ln in conf.splitlines() if ln.startswith("[")]
    assert sections == ["[entities]", "[relations]", "[events]", "[attributes]"]
    lines = conf.splitlines()
    for name in ("Person", "Organization", "Place", "Post", "PolicyInstrument", "Threat",
                 "PolicyGoal", "Technology", "TimeExpression"):
        assert name in lines
    assert "holdsPost\tArg1:Person, Arg2:Post" in lines
    assert "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>" in lines
    statement = next(ln for ln in lines if ln.startswith("Statement\t"))
    assert statement.startswith("Statement\tSpeaker:Person|Organization, Occasion?:Conference|")
    assert "Time?:TimeExpression" in statement and "About*:Threat|PolicyGoal|" in statement
    meeting = next(ln for ln in lines if ln.startswith("Meeting\t"))
    assert "Participant*:Person|Organization" in meeting and "Place*:Place|Organization" in meeting
    assert "SpeechKind\tArg:Statement, Value:DirectQuote|ReportedSpeech|Paraphrase" in lines
    assert any(ln.startswith("Modality\tArg:Conference|") and ln.endswith(
        "Value:Planned|Hypothetical") for ln in lines)


def test_visual_and_tools_conf() -> None:
    out = rendered()
    assert "SecurityCouncilMeeting | Security Council meeting" in out["visual.conf"]
    assert "backToBackWith | Back-to-back with" in out["visual.conf"]
    tools = out["tools.conf"].splitlines()
    norm = tools[tools.index("[normalization]") + 1:]
    assert [ln.split("\t")[0] for ln in norm if not ln.startswith("#")] == \
        ["CTKG", "Wikidata", "ISO8601"]
    assert any("<URLBASE>:https://www.wikidata.org/wiki/%s" in ln for ln in norm)


def test_deterministic() -> None:
    assert rendered() == rendered()


def test_ontology_lacking_a_class_or_property_is_reported(tmp_path: Path) -> None:
    text = FIXTURE_ONTOLOGY.read_text(encoding="utf-8")
    broken = tmp_path / "ctkg.ttl"
    broken.write_text("\n".join(ln for ln in text.splitlines()
                                if not ln.startswith(("ctkg:Post ", "ctkg:warnsOf "))),
                      encoding="utf-8")
    _, problems = build_scheme(ontology(broken))
    messages = [p.message for p in problems]
    assert any("'Post'" in m and "not a class" in m for m in messages), messages
    assert any("'warnsOf'" in m and "not a property" in m for m in messages), messages
    with pytest.raises(CTKGError):
        checked_scheme(ontology(broken))


def _project(tmp_path: Path) -> Layout:
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data" / "corpus").mkdir(parents=True)
    shutil.copy(FIXTURE_ONTOLOGY, tmp_path / "ontology" / "ctkg.ttl")
    return Layout(tmp_path)


def test_conf_check_fails_when_ontology_and_conf_drift(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    layout = _project(tmp_path)
    assert main(["conf", "--root", str(tmp_path)]) == 0
    assert main(["conf", "--root", str(tmp_path), "--check"]) == 0
    # the ontology renames a label: the committed visual.conf is now stale
    onto = layout.ontology
    onto.write_text(onto.read_text(encoding="utf-8").replace('"side event"@en',
                                                             '"side-event"@en'),
                    encoding="utf-8")
    assert main(["conf", "--root", str(tmp_path), "--check"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith("data/corpus/visual.conf is out of date: run ctkg conf")


def test_missing_conf_is_reported(tmp_path: Path) -> None:
    layout = _project(tmp_path)
    problems = stale_files(layout.corpus, rendered(layout.ontology))
    assert len(problems) == 3 and all("is missing: run ctkg conf" in p.message
                                      for p in problems)


def test_committed_conf_is_current(layout: Layout) -> None:
    if not layout.ontology.is_file():
        pytest.skip("ontology/ctkg.ttl does not exist yet")
    assert stale_files(layout.corpus, render_all(scheme(*layout.ontology_files()))) == []


def test_event_types_are_the_ontology_s_event_subclasses_in_its_order() -> None:
    events = list(scheme(FIXTURE_ONTOLOGY).events)
    assert events[:3] == ["Conference", "HighLevelConference", "RegionalConference"]
    assert events[-2:] == ["Attack", "Statement"] and "Event" not in events


def test_brat_reads_the_committed_confs_and_finds_no_issue_in_any_document() -> None:
    """brat's own configuration reader (projectconfig.py) and validator (verify_annotations
    .py, what brat shows with ``validate:all``) on the collection, in a process of their own
    (brat_project.py): no message about the conf files, the normalization entries have no DB
    (brat then looks in its work folder, see conf.render_tools_conf), no issue anywhere."""
    require_brat()
    run = subprocess.run([sys.executable, str(Path(__file__).parent / "brat_project.py"),
                          str(Layout(ROOT).corpus)], capture_output=True, text=True,
                         timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    said = json.loads(run.stdout)
    assert said["messages"] == []
    assert [(n[0], n[3]) for n in said["normalization"]] == \
        [("CTKG", None), ("Wikidata", None), ("ISO8601", None)]
    assert said["issues"] == {p.stem: [] for p in Layout(ROOT).corpus.glob("*.txt")}
