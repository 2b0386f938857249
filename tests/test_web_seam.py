"""The page reaches the box through one seam: the facade's Protocol (appliance/facade/protocol.py
ShopBox) and, behind it, the Wi-Fi and demo-phone Protocols (appliance/core/ports.py). Checked on
web/'s source with ast, and against the real facade."""
import ast
from pathlib import Path

from appliance.core.ports import DemoPhone, WifiControl
from appliance.facade.protocol import ShopBox

ROOT = Path(__file__).resolve().parent.parent


def _members(protocol) -> set[str]:
    names = set(getattr(protocol, "__annotations__", {}))
    for klass in protocol.__mro__:
        if klass is object or klass.__name__ in ("Protocol", "Generic"):
            continue
        names |= {n for n in vars(klass) if not n.startswith("_")}
        names |= set(getattr(klass, "__annotations__", {}))
    return names


def _is_the_box(node, names: set) -> bool:
    """`box()`, `shop.box()`, or a name bound to one of them."""
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Name) and func.id == "box") or (
            isinstance(func, ast.Attribute) and func.attr == "box"
            and isinstance(func.value, ast.Name) and func.value.id == "shop")
    return isinstance(node, ast.Name) and node.id in names


def reached(source: str) -> dict[str, set[str]]:
    """{"box": attributes read off the box, "wifi": off its Wi-Fi, "demo_phone": off the phone}."""
    tree = ast.parse(source)
    names = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign)
             and _is_the_box(n.value, set()) for t in n.targets if isinstance(t, ast.Name)}
    found: dict[str, set[str]] = {"box": set(), "wifi": set(), "demo_phone": set()}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if _is_the_box(node.value, names):
            found["box"].add(node.attr)
        inner = node.value
        if isinstance(inner, ast.Attribute) and inner.attr in ("wifi", "demo_phone") \
                and _is_the_box(inner.value, names):
            found[inner.attr].add(node.attr)
        elif isinstance(inner, ast.Name) and inner.id == "wifi":    # helpers handed box().wifi
            found["wifi"].add(node.attr)
    for node in ast.walk(tree):      # create_app(box, ...): the box handed in by name
        if isinstance(node, ast.FunctionDef) and node.args.args \
                and node.args.args[0].arg == "box":
            found["box"] |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
                             and isinstance(n.value, ast.Name) and n.value.id == "box"}
    return found


def _web_reaches() -> dict[str, set[str]]:
    total: dict[str, set[str]] = {"box": set(), "wifi": set(), "demo_phone": set()}
    for path in sorted((ROOT / "web").rglob("*.py")):
        for key, attrs in reached(path.read_text()).items():
            total[key] |= attrs
    return total


def test_the_page_reads_only_what_the_facade_declares():
    reaches = _web_reaches()
    assert reaches["box"] - _members(ShopBox) == set()
    assert reaches["wifi"] - _members(WifiControl) == set()
    assert reaches["demo_phone"] - _members(DemoPhone) == set()


def test_the_facade_is_what_it_declares(tmp_path):
    from tests.web.shop_box import shop_box
    box = shop_box(tmp_path / "data")
    try:
        assert [name for name in sorted(_members(ShopBox)) if not hasattr(box, name)] == []
    finally:
        box.store.close()


def test_the_checker_notices_a_reach_past_the_facade():
    source = ("from web import shop\n"
              "def view():\n"
              "    b = shop.box()\n"
              "    b.modem.status\n"
              "    shop.box().wifi.radio_off()\n"
              "    shop.box().status()\n")
    found = reached(source)
    assert found["box"] - _members(ShopBox) == {"modem"}
    assert found["wifi"] - _members(WifiControl) == {"radio_off"}
