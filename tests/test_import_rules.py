"""The layering rules of DESIGN.md, checked on the source with ast so they stay true."""
import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE = {"domain", "modem_events", "calls", "schedule", "templates", "segments", "keywords",
        "policy", "reassembly", "relay", "health", "stats", "box_events", "countries"}
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            if node.module == "appliance":
                found += [(node.lineno, f"appliance.{a.name}") for a in node.names]
    return found


def _modules(package: str, root: Path = ROOT):
    return sorted((root / package).rglob("*.py"))


def _violations(package: str, allowed, root: Path = ROOT) -> list[str]:
    bad = []
    for path in _modules(package, root):
        for line, name in _imports(path):
            if not allowed(path, name):
                bad.append(f"{path.relative_to(root)}:{line} imports {name}")
    return bad


def _pure_allowed(path, name):
    if path.stem not in PURE:
        return True
    top = name.split(".")[0]
    if top == "appliance":
        return name == "appliance" or name.split(".")[1] in PURE
    return top in STDLIB


def test_the_pure_core_imports_only_the_standard_library_and_itself():
    assert _violations("appliance", _pure_allowed) == []


def test_hardware_never_imports_web_or_the_service():
    forbidden = ("web", "appliance.service", "appliance.facade", "appliance.main",
                 "appliance.store", "appliance.cli")
    assert _violations("hardware", lambda p, n: not n.startswith(forbidden)) == []


def test_web_never_imports_hardware():
    assert _violations("web", lambda p, n: n.split(".")[0] != "hardware") == []


def test_only_the_composition_root_imports_hardware_in_appliance():
    def allowed(path, name):
        return name.split(".")[0] != "hardware" or path.name == "main.py"
    assert _violations("appliance", allowed) == []


INTEGRATIONS = "appliance.integrations"
# What the adapters to the shop's other systems may use: the pure core, the store's files and
# helpers, each other, the standard library and their own libraries.
INTEGRATIONS_MAY_USE = ("appliance.store", "appliance.storage", "appliance.monthly",
                        INTEGRATIONS)
INTEGRATION_LIBRARIES = {"paho"}


def _integrations_allowed(path, name):
    if "integrations" not in path.parts or name == "appliance":
        return True
    top = name.split(".")[0]
    if top == "appliance":
        parts = name.split(".")
        return name.startswith(INTEGRATIONS_MAY_USE) or (len(parts) > 1 and parts[1] in PURE)
    return top in STDLIB or top in INTEGRATION_LIBRARIES


def test_integrations_use_only_the_pure_core_the_store_and_their_libraries():
    assert _violations("appliance", _integrations_allowed) == []


def test_only_the_composition_root_wires_the_integrations():
    """The service (and everything else) hands events to an injected callable instead."""
    def allowed(path, name):
        return not name.startswith(INTEGRATIONS) or path.name == "main.py" \
            or "integrations" in path.parts
    assert _violations("appliance", allowed) == []
    assert _violations("web", lambda p, n: not n.startswith(INTEGRATIONS)) == []
    assert _violations("hardware", lambda p, n: not n.startswith(INTEGRATIONS)) == []


def _declares_blueprint(call: ast.Call) -> bool:
    """`bp.register_blueprint(...)` and friends only declare routes; they start nothing."""
    func = call.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
        and func.value.id == "bp"


@pytest.mark.parametrize("package", ["appliance", "hardware", "web"])
def test_nothing_starts_at_import_time(package):
    """No threads, servers or files at module level: only definitions and constants."""
    calls_at_top = []
    for path in _modules(package):
        if path.name == "__main__.py":   # the entry point is meant to run
            continue
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                    and not _declares_blueprint(node.value):
                calls_at_top.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls_at_top == []


def test_the_checker_notices_forbidden_imports(tmp_path):
    """The rules can fail: a pure module importing tinydb or the store is reported."""
    (tmp_path / "appliance").mkdir()
    (tmp_path / "appliance" / "calls.py").write_text(
        "import json\nimport tinydb\nfrom appliance import store, segments\n")
    assert _violations("appliance", _pure_allowed, tmp_path) == [
        "appliance/calls.py:2 imports tinydb", "appliance/calls.py:3 imports appliance.store"]
    (tmp_path / "appliance" / "integrations").mkdir()
    (tmp_path / "appliance" / "integrations" / "hub.py").write_text(
        "import paho.mqtt\nfrom appliance import service, domain\nimport flask\n")
    assert _violations("appliance", _integrations_allowed, tmp_path) == [
        "appliance/integrations/hub.py:2 imports appliance.service",
        "appliance/integrations/hub.py:3 imports flask"]
