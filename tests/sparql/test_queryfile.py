"""Query files: the comment block, finding a query, binding its parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkg.sparql.queryfile import header_fields
from tests.sparql.helpers import one_line_error


def test_header_fields_end_at_the_first_statement() -> None:
    text = ("# title: A title\n\n#   prose without a key\n# Param: x (IRI) — a: b\n"
            "#no-space:value\nSELECT * { ?s ?p ?o }\n# title: not a header\n")
    assert [(f.line, f.key, f.value) for f in header_fields(text)] == [
        (1, "title", "A title"), (4, "param", "x (IRI) — a: b"), (5, "no-space", "value")]


def test_error_unknown_name_suggests(mini_root: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    err = one_line_error(capsys, "timelien", "--root", str(mini_root))
    assert "did you mean timeline" in err


def test_error_missing_and_ill_typed_params(mini_root: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = ["--root", str(mini_root)]
    assert "needs --param entity" in one_line_error(capsys, "entity-profile", *root)
    assert "not of type IRI" in one_line_error(capsys, "entity-profile", *root,
                                                "--param", "entity=2018")
    assert "not of type date" in one_line_error(capsys, "statements-by-speaker", *root,
                                                 "--param", "since=ctkgid:x")
    assert "has no parameter 'who'" in one_line_error(capsys, "timeline", *root,
                                                       "--param", "who=ctkgid:x")
    assert "NAME=VALUE" in one_line_error(capsys, "timeline", *root, "--param", "oops")


