"""The network watch: texts the owner the box's new address once, opens the setup hotspot when
the box has had no network for a while (real store in a temp folder, recorded nmcli)."""
from datetime import datetime, timedelta, timezone

import pytest

from appliance.core.domain import SendText
from appliance.app.network_watch import NetworkWatch, shop_addresses
from appliance.storage.store import Store
from tests.hardware.recorded_nmcli import RecordedNmcli
from tests.hardware.test_wifi import hotspot_routes, keyed

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
OWNER = "+12125550147"


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path)
    store.save_settings({**store.settings(), "owner_phone": OWNER})
    yield store
    store.close()


def _watch(store, addresses, wifi=None):
    posted = []
    watch = NetworkWatch(store, wifi, posted.append, lambda: list(addresses),
                         clock=lambda: T0, offline_grace=timedelta(seconds=90),
                         hotspot_lifetime=timedelta(minutes=20))
    return watch, posted


@pytest.mark.parametrize("addresses, expected", [
    (["textback.local", "192.168.1.50"], ["192.168.1.50"]),
    (["textback.local", "10.42.0.1"], []),                  # our own setup hotspot
    (["textback.local", "10.42.0.1", "10.0.0.7"], ["10.0.0.7"]),
    (["textback.local"], []),
])
def test_shop_addresses(addresses, expected):
    assert shop_addresses(addresses) == expected


def test_a_new_address_is_texted_to_the_owner_once(store):
    addresses = ["textback.local", "192.168.1.50"]
    watch, posted = _watch(store, addresses)
    watch.step(T0)
    watch.step(T0 + timedelta(seconds=5))
    assert posted == [SendText(to=OWNER, kind="owner", text=(
        "TextBack Box is on the shop network. Open http://textback.local/ or "
        "http://192.168.1.50/ on the shop Wi-Fi."))]
    addresses[1] = "192.168.1.77"                            # a new lease: tell again
    watch.step(T0 + timedelta(seconds=10))
    assert len(posted) == 2 and "192.168.1.77" in posted[1].text


def test_the_address_is_remembered_across_restarts(store):
    first, posted = _watch(store, ["192.168.1.50"])
    first.step(T0)
    again, posted_again = _watch(store, ["192.168.1.50"])
    again.step(T0)
    assert (len(posted), posted_again) == (1, [])


def _ups(nmcli):
    return [c for c in nmcli.calls if c[-5:-2] == ["up", "id", "textback-hotspot"]]


def test_no_network_for_the_grace_period_opens_the_hotspot_and_tells_the_owner(store):
    nmcli = RecordedNmcli()
    hotspot_routes(nmcli)
    watch, posted = _watch(store, ["textback.local"], wifi=keyed(nmcli))
    watch.step(T0)
    watch.step(T0 + timedelta(seconds=89))
    assert not any("hotspot" in " ".join(call) for call in nmcli.calls)
    watch.step(T0 + timedelta(seconds=90))
    watch.step(T0 + timedelta(seconds=200))
    assert len(_ups(nmcli)) == 1
    assert any("setup hotspot" in e["text"] for e in store.events())
    assert [p.to for p in posted] == [OWNER] and "TextBack-ABCD" in posted[0].text
    assert "key on the box's label" in posted[0].text


def test_the_hotspot_closes_after_a_while_so_saved_networks_get_another_chance(store):
    nmcli = RecordedNmcli()
    hotspot_routes(nmcli)
    watch, _ = _watch(store, ["textback.local"], wifi=keyed(nmcli))
    watch.step(T0)
    watch.step(T0 + timedelta(seconds=90))                       # opened
    watch.step(T0 + timedelta(seconds=90, minutes=20))           # closed again
    assert nmcli.calls[-1] == ["nmcli", "connection", "delete", "id", "textback-hotspot"]
    watch.step(T0 + timedelta(seconds=90 + 89, minutes=20))      # still offline, in grace
    assert len(_ups(nmcli)) == 1
    watch.step(T0 + timedelta(seconds=180, minutes=20))          # reopened
    assert len(_ups(nmcli)) == 2
