"""The house rules of ``src/ctkg``, checked on the code itself (docs/design.md, "Layout").

A newcomer should be able to say from the tree alone where a change belongs; these tests keep
the tree saying it: stages import only from earlier stages, only ``ctkg.cli`` sees argparse,
nothing is imported by name at run time (a missing step must fail, not be skipped), and no
function or module grows past what one reading can hold.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

PACKAGE = ROOT / "src" / "ctkg"
# the data flow, earliest first; a module may import from its own stage or an earlier one
STAGES = ["core", "inputs", "annotations", "interchange", "sparql", "wikidata", "validate",
          "kg", "site", "store", "cli"]
CORE = {"__init__", "errors", "paths", "atomic", "http", "rdf", "synth"}
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 400


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _stage(module: str) -> str:
    """``ctkg.kg.compile`` -> ``kg``; core modules -> ``core``."""
    part = module.split(".")[1] if "." in module else "__init__"
    if part == "__main__":  # ``python -m ctkg``: an entry point, like the cli
        return "cli"
    return "core" if part in CORE else part


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts)


def _is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name).is_dir()


def _ctkg_imports(tree: ast.AST) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "ctkg":  # a submodule, or a name of the package itself
                out += [(node.lineno, f"ctkg.{a.name}" if _is_module(a.name) else "ctkg")
                        for a in node.names]
            elif node.module.startswith("ctkg."):
                out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("ctkg.")]
    return out


def test_every_stage_is_a_known_package() -> None:
    found = {_stage(_name(p)) for p in _modules()}
    assert found <= set(STAGES), f"unknown stage(s): {sorted(found - set(STAGES))}"


def test_no_module_imports_from_a_later_stage() -> None:
    bad = []
    for path in _modules():
        me = _stage(_name(path))
        for line, target in _ctkg_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if STAGES.index(_stage(target)) > STAGES.index(me):
                bad.append(f"{path.relative_to(ROOT)}:{line}: {me} imports {target}")
    assert not bad, "\n".join(bad)


def test_only_the_cli_sees_argparse() -> None:
    bad = [str(p.relative_to(ROOT)) for p in _modules()
           if _stage(_name(p)) != "cli" and "argparse" in p.read_text(encoding="utf-8")]
    assert not bad, f"library modules must take typed arguments: {bad}"


def test_nothing_is_imported_by_name_at_run_time() -> None:
    """A step that is missing must be an ImportError, never a silently skipped step."""
    bad = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                if name in {"import_module", "__import__"}:
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, bad


def test_functions_and_modules_stay_small() -> None:
    bad = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            bad.append(f"{where}: {len(text.splitlines())} lines (> {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    bad.append(f"{where}:{node.lineno}: {node.name} is {length} lines")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("blocked", ["pyshacl", "shacl"])
def test_validate_fails_loudly_when_shacl_cannot_run(blocked: str) -> None:
    """Regression: a missing SHACL step once made ``ctkg validate`` print "0 violations"."""
    code = (f"import sys; sys.modules[{blocked!r}] = None\n"
            "from ctkg.cli.main import main\n"
            f"raise SystemExit(main(['validate', '--root', {str(ROOT)!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode != 0
    assert "0 violations" not in proc.stdout
    assert blocked in proc.stderr


def test_build_py_names_a_missing_dependency() -> None:
    """Regression: after 0.3.0 added the `shacl` dependency, `python build.py --check` in an
    environment installed before it ended in a traceback instead of saying what to install
    (the stages import their libraries when a command runs, so ``main`` names the package)."""
    code = ("import runpy, sys; sys.modules['shacl'] = None; "
            f"sys.argv = ['build.py', '--check']; runpy.run_path({str(ROOT / 'build.py')!r}, "
            "run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "'shacl' is missing" in proc.stderr and "pip install -e ." in proc.stderr

