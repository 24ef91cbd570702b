"""docs/permissions.md is generated from the policy table and must be up to date."""

import importlib.machinery
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script():
    path = ROOT / "scripts" / "permission-doc"
    loader = importlib.machinery.SourceFileLoader("permission_doc", str(path))
    spec = importlib.util.spec_from_loader("permission_doc", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_committed_permission_document_is_current():
    script = _script()
    generated = script.render(script.load_policy())
    committed = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert committed == generated, "docs/permissions.md is out of date: run scripts/permission-doc"


def test_every_route_appears_in_the_document():
    script = _script()
    text = script.render(script.load_policy())
    for row in script.load_policy().ROUTES:
        assert f"`{row['name']}`" in text
