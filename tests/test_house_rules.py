"""The house rules a newcomer relies on, checked on the source with ast: small modules with one
job (at most 300 lines), functions that fit on a screen (at most 40 lines), and one clock (only
appliance/core/clock.py reads the wall clock; everything else is handed `now` or a clock)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("appliance", "hardware", "web", "scripts")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time")}
THE_CLOCK = ROOT / "appliance" / "core" / "clock.py"


def _sources(packages=PACKAGES, root: Path = ROOT):
    return sorted(p for package in packages for p in (root / package).rglob("*.py"))


def long_modules(packages=PACKAGES, root: Path = ROOT) -> list[str]:
    return [f"{p.relative_to(root)}: {n} lines" for p in _sources(packages, root)
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES]


def long_functions(packages=PACKAGES, root: Path = ROOT) -> list[str]:
    found = []
    for path in _sources(packages, root):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name}: "
                                 f"{length} lines")
    return found


def wall_clock_reads(packages=("appliance", "web"), root: Path = ROOT) -> list[str]:
    """`datetime.now()`, `time.time()` ... outside the one clock (time.monotonic is fine: it
    measures how long something took, not what time it is)."""
    found = []
    for path in _sources(packages, root):
        if path.relative_to(root) == THE_CLOCK.relative_to(ROOT):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) \
                    and (node.func.value.id, node.func.attr) in WALL_CLOCK:
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_module_is_over_300_lines():
    assert long_modules() == []


def test_no_function_is_over_40_lines():
    assert long_functions() == []


def test_only_the_clock_reads_the_wall_clock():
    assert wall_clock_reads() == []


def test_the_checks_can_fail(tmp_path):
    (tmp_path / "appliance").mkdir()
    body = "\n".join(f"    x = {i}" for i in range(40))
    (tmp_path / "appliance" / "big.py").write_text(
        "from datetime import datetime\n\n\ndef long():\n" + body
        + "\n    return datetime.now()\n" + "\n" * 300)
    assert long_modules(("appliance",), tmp_path) == ["appliance/big.py: 345 lines"]
    assert long_functions(("appliance",), tmp_path) == ["appliance/big.py:4 long: 42 lines"]
    assert wall_clock_reads(("appliance",), tmp_path) == ["appliance/big.py:45"]
