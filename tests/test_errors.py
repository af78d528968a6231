"""Problems name the file and line; what they name is shown as the user would type it."""

from __future__ import annotations

from ctkg.errors import CTKGError, Problem


def test_a_problem_names_file_and_line() -> None:
    assert str(Problem("data/registry.toml", 7, "missing 'type'")) == \
        "data/registry.toml:7: error: missing 'type'"


def test_a_url_is_named_as_it_is_in_a_problem() -> None:
    """Regression (issue 13, finding 4): an endpoint URL named in an error lost a slash
    (``http:/127.0.0.1``) because it went through ``Path``."""
    err = CTKGError.single("http://127.0.0.1:7878/query", None, "refused")
    assert str(err) == "http://127.0.0.1:7878/query: error: refused"
