"""hardware/ stays walkable: no import circles between its modules, no object reaching into
another's `_private` attributes, small modules and functions (also the tests' shared helpers).
Read from the source with ast, so the rules hold without anyone remembering them."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
OURS = ("hardware", "appliance", "web", "tests")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def _sources(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, known: set[str]) -> set[str]:
    """The modules in `known` that `path` imports (a package's submodules named one by one)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level \
                else []
            module = ".".join(base + ([node.module] if node.module else []))
            submodules = {f"{module}.{alias.name}" for alias in node.names} & known
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(module)
    return found & known - {name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def _third_party_aliases(tree: ast.AST) -> set[str]:
    """Names bound to modules of libraries (their private helpers are the library's affair)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names
                         if a.name.split(".")[0] not in OURS)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] not in OURS:
            names.update(a.asname or a.name for a in node.names)
    return names


def _reaches_in(source: str, label: str) -> list[str]:
    """`something._name` where something is not self/cls (nor a library module)."""
    tree = ast.parse(source)
    allowed = {"self", "cls"} | _third_party_aliases(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in allowed):
                found.append(f"{label}:{node.lineno} {ast.unparse(node)}")
    return found


def test_no_import_circles_in_hardware():
    paths = _sources("hardware")
    known = {_module_name(path) for path in paths}
    graph = {_module_name(path): _imported(path, known) for path in paths}
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_object_reaches_into_another_ones_private_attributes():
    found = [hit for path in _sources("hardware", "tests/hardware")
             for hit in _reaches_in(path.read_text(), str(path.relative_to(ROOT)))]
    assert found == []


def test_the_reach_finder_sees_a_reach():
    sample = "import gsmmodem as g\n\ndef f(self, sim):\n    g._ok(self._x)\n    return sim._lock\n"
    assert _reaches_in(sample, "sample") == ["sample:5 sim._lock"]


@pytest.mark.parametrize("path", _sources("hardware", "tests/hardware"),
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_modules_and_functions_fit_on_a_screen(path):
    text = path.read_text()
    assert text.count("\n") <= MAX_MODULE_LINES
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []
