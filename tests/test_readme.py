"""The README's two set-up commands stay true: CI runs the test command exactly as written."""

from __future__ import annotations

import re

from tests.paths import ROOT


def _sh_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_readme_has_build_and_test_commands() -> None:
    blocks = _sh_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    build, test = blocks[0], blocks[1]
    assert build.endswith("build.py"), build
    assert "pytest" in test, test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    blocks = _sh_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci.splitlines(), "the README's test command is not in .ci/run verbatim"
