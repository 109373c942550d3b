"""Boundaries the design depends on: the library is Prefect-free and loads no pickles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_pipeline_modules_never_import_prefect_at_module_level():
    for path in (REPO / "pipeline").rglob("*.py"):
        assert "prefect" not in _imports(path), path


def test_importing_the_library_and_cli_does_not_load_prefect():
    code = (
        "import sys, pipeline.run, pipeline.cli, pipeline.store, pipeline.evaluate;"
        "print('prefect' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_only_extract_imports_pdfplumber():
    users = {p.name for p in (REPO / "pipeline").rglob("*.py") if "pdfplumber" in _imports(p)}
    assert users <= {"extract.py", "layout.py"}


def test_no_module_unpickles_anything():
    for folder in ("pipeline", "flows"):
        for path in (REPO / folder).rglob("*.py"):
            imported = _imports(path)
            assert not imported & {"pickle", "joblib", "dill", "cloudpickle"}, path
            assert "allow_pickle=True" not in path.read_text(), path
