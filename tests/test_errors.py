"""Problems name the file and line; what they name is shown as the user would type it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkg.errors import CTKGError, Problem, display_path


def test_a_problem_names_file_and_line() -> None:
    assert str(Problem("data/registry.toml", 7, "missing 'type'")) == \
        "data/registry.toml:7: error: missing 'type'"


def test_a_url_is_named_as_it_is_in_a_problem() -> None:
    """Regression (issue 13, finding 4): an endpoint URL named in an error lost a slash
    (``http:/127.0.0.1``) because it went through ``Path``."""
    err = CTKGError.single("http://127.0.0.1:7878/query", None, "refused")
    assert str(err) == "http://127.0.0.1:7878/query: error: refused"


def test_a_path_is_named_from_the_current_working_directory_each_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """display_path is cached per path *and* working directory (regression: a cache keyed
    on the path alone would name a file from the directory of its first call)."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    target = tmp_path / "a" / "b" / "x.ann"
    monkeypatch.chdir(tmp_path)
    assert display_path(target) == "a/b/x.ann"
    monkeypatch.chdir(tmp_path / "a")
    assert display_path(target) == "b/x.ann"
    assert display_path("b/x.ann") == "b/x.ann"
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert display_path(target) == "x.ann"
