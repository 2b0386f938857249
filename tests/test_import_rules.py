"""The layering of docs/ARCHITECTURE.md, checked on the source with ast so it stays true.

appliance/ is split into folders that are its layers. A module may import its own folder and the
folders listed for it in MAY_IMPORT, never one above; the libraries a folder may use are listed
in LIBRARIES (everything else is the standard library). Only app/, the composition root, wires
hardware/, web/ and the integrations in. The module graph has no import circles.
"""
import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

# folder of appliance/ -> the other folders its modules may import. Sending, receiving and the
# service are handed the store (app/bootstrap.py); they never import storage/ themselves.
MAY_IMPORT = {
    "core": set(),
    "storage": {"core"},
    "sending": {"core"},
    "receiving": {"core"},
    "service": {"core", "sending", "receiving"},
    "facade": {"core", "storage"},
    "integrations": {"core", "storage"},
    "app": {"core", "storage", "sending", "receiving", "service", "facade", "integrations"},
}
# Libraries beyond the standard library, per folder. The core's are pure: no I/O, no clock.
LIBRARIES = {
    "core": {"phonenumbers", "holidays"},
    "storage": {"tinydb"},
    "integrations": {"paho"},
    "app": {"hardware", "web", "waitress", "serial"},
}
# appliance/ itself holds only the package marker and the `python -m appliance` entry point.
TOP_LEVEL = {"__init__.py", "__main__.py"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import; `from appliance.x import y` (or hardware, web) also
    as appliance.x.y, since y may be a module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            if node.module.split(".")[0] in ("appliance", "hardware", "web"):
                found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def _modules(package: str, root: Path = ROOT):
    return sorted((root / package).rglob("*.py"))


def _violations(package: str, allowed, root: Path = ROOT) -> list[str]:
    bad = []
    for path in _modules(package, root):
        for line, name in _imports(path):
            if not allowed(path.relative_to(root), name):
                bad.append(f"{path.relative_to(root)}:{line} imports {name}")
    return bad


def _folder(path: Path) -> str:
    """appliance/core/calls.py -> "core"; appliance/__main__.py -> "app" (the entry point)."""
    return path.parts[1] if len(path.parts) > 2 else "app"


def _layer_allowed(path: Path, name: str) -> bool:
    folder, parts = _folder(path), name.split(".")
    if parts[0] != "appliance":
        return parts[0] in STDLIB or parts[0] in LIBRARIES.get(folder, set())
    if len(parts) == 1 or parts[1] not in MAY_IMPORT:
        return True         # the package itself (appliance.VERSION)
    return parts[1] == folder or parts[1] in MAY_IMPORT.get(folder, set())


def test_every_module_lives_in_a_layer_folder():
    strays = [str(p.relative_to(ROOT)) for p in _modules("appliance")
              if len(p.relative_to(ROOT).parts) == 2 and p.name not in TOP_LEVEL]
    folders = {p.name for p in (ROOT / "appliance").iterdir()
               if p.is_dir() and not p.name.startswith("__")}
    assert strays == []
    assert folders == set(MAY_IMPORT)


def test_each_layer_imports_only_the_layers_below_it_and_its_libraries():
    assert _violations("appliance", _layer_allowed) == []


def test_the_layers_form_no_circle():
    assert circles(MAY_IMPORT) == []


def test_hardware_uses_only_the_pure_core():
    """Adapters translate into domain types; they never reach the service, store or web."""
    def allowed(path, name):
        return name.split(".")[0] != "web" and (
            not name.startswith("appliance.") or name.startswith("appliance.core"))
    assert _violations("hardware", allowed) == []


def test_web_uses_only_the_pure_core_and_never_hardware():
    """The page talks to the facade object it was given (appliance/facade/) and to pure rules."""
    def allowed(path, name):
        top = name.split(".")[0]
        return top != "hardware" and (top != "appliance" or name == "appliance"
                                      or name.startswith("appliance.core"))
    assert _violations("web", allowed) == []


def test_only_the_composition_root_imports_appliance_app():
    def allowed(path, name):
        return not name.startswith("appliance.app") or _folder(path) == "app"
    assert _violations("appliance", allowed) == []
    assert _violations("web", allowed) == []
    assert _violations("hardware", allowed) == []


def _module_name(path: Path) -> str:
    parts = list(path.with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(packages=("appliance", "hardware", "web"), root: Path = ROOT) -> dict:
    """module -> the modules of `packages` it imports (anywhere in the file, also lazily)."""
    modules = {_module_name(p.relative_to(root)): p for package in packages
               for p in _modules(package, root)}

    def resolve(name):
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name
    graph = {}
    for module, path in modules.items():
        targets = {resolve(name) for _, name in _imports(path)}
        # A package's __init__ runs before its modules: importing it is not an arrow back.
        graph[module] = {t for t in targets if t and t != module
                         and not module.startswith(t + ".")}
    return graph


def circles(graph: dict) -> list[set]:
    """The groups of modules that import each other, directly or round a circle (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.get(module, ()):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = set()
            while not group or module not in group:
                group.add(stack.pop())
            on_stack.difference_update(group)
            if len(group) > 1:
                found.append(group)
    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


# The modem and its supervisor still reach into each other; the supervisor is moving to a
# public connection API. Remove the entry when that lands (the test then keeps it gone).
KNOWN_CIRCLES = [{"hardware.modem", "hardware.supervisor"}]


def test_no_import_circles():
    assert [c for c in circles(import_graph()) if c not in KNOWN_CIRCLES] == []


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


def test_the_checker_notices_forbidden_imports_and_circles(tmp_path):
    """The rules can fail: a core module importing tinydb or the store, storage importing the
    service, an integration using flask, a module outside the folders, a circle."""
    for folder in ("core", "storage", "integrations"):
        (tmp_path / "appliance" / folder).mkdir(parents=True)
    (tmp_path / "appliance" / "core" / "calls.py").write_text(
        "import json\nimport tinydb\nfrom appliance.storage import store\n"
        "from appliance.core import segments\n")
    (tmp_path / "appliance" / "storage" / "store.py").write_text(
        "import tinydb\nfrom appliance.service.service import Service\n")
    (tmp_path / "appliance" / "integrations" / "hub.py").write_text(
        "import paho.mqtt\nfrom appliance.core import domain\nimport flask\n")
    assert _violations("appliance", _layer_allowed, tmp_path) == [
        "appliance/core/calls.py:2 imports tinydb",
        "appliance/core/calls.py:3 imports appliance.storage",
        "appliance/core/calls.py:3 imports appliance.storage.store",
        "appliance/integrations/hub.py:3 imports flask",
        "appliance/storage/store.py:2 imports appliance.service.service",
        "appliance/storage/store.py:2 imports appliance.service.service.Service"]
    (tmp_path / "appliance" / "core" / "segments.py").write_text(
        "def f():\n    from appliance.core import calls\n")
    assert circles(import_graph(("appliance",), tmp_path)) == [
        {"appliance.core.calls", "appliance.core.segments"}]
