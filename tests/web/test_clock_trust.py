"""Time without internet, end to end: a box whose system clock is years behind (a Pi without a
clock battery after a power cut) on the modem simulator, which gives the network's time. The box
records with the network's time and says so on the page; with no network time and a clock behind
its own records it says the clock can't be trusted and texts the owner."""
from datetime import datetime, timedelta, timezone

import pytest

from appliance.core.stamps import from_iso
from appliance.storage.store import Store
from tests.appliance.box_support import CALLER, running_box, short_power_on, wait_call
from tests.helpers import wait_for

OWNER = "+12125550100"
PLUS_FOUR = timezone(timedelta(hours=4))          # the network reports local time, UTC+4


def _real_now() -> datetime:
    return datetime.now(timezone.utc)


def _years_behind() -> datetime:
    return _real_now() - timedelta(days=3 * 365)


@pytest.fixture
def appliance(tmp_path, request):
    """A box years behind; "records_from_now": its data folder already holds a record of now
    and the network sends no time (else the network sends its time)."""
    data = tmp_path / "data"
    records_from_now = getattr(request, "param", None) == "records_from_now"
    if records_from_now:
        store = Store(data)                       # the box ran before, with the right time
        store.log_event("start", "TextBack Box started")
        store.close()

    def prepare(app):
        short_power_on(app)
        if not records_from_now:
            app.simulator.set_network(time=lambda: datetime.now(PLUS_FOUR))

    with running_box(data, settings={"owner_phone": OWNER}, prepare=prepare,
                     clock=_years_behind) as the_appliance:
        yield the_appliance


def test_the_networks_time_is_used_for_records_and_the_page_says_so(appliance, client, api):
    wait_for(lambda: appliance.clock.state()["source"] == "network", 10, "network time used")
    assert abs(appliance.clock() - _real_now()) < timedelta(seconds=5)
    appliance.simulator.ring(CALLER, number_type=145, rings=1)
    call = wait_call(appliance, outcome="texted")[0]
    assert abs(from_iso(call.started_at) - _real_now()) < timedelta(seconds=30)
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="clock-banner" data-source="network"' in html
    assert api.get("/api/status").get_json()["clock"]["source"] == "network"


@pytest.mark.parametrize("appliance", ["records_from_now"], indirect=True)
def test_a_clock_behind_the_records_without_network_time_is_told(appliance, client):
    assert appliance.clock.state()["source"] == "untrusted"
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="clock-banner" data-source="untrusted"' in html
    owner = lambda: [t for n, t in appliance.simulator.sent_texts() if n == OWNER]   # noqa: E731
    wait_for(lambda: owner(), 10, "the owner told")
    assert "clock can't be trusted" in owner()[0]
    appliance.simulator.set_network(time=lambda: datetime.now(PLUS_FOUR))   # network time comes
    wait_for(lambda: len(owner()) == 2, 10, "back to normal told")
    assert owner()[1] == "TextBack Box: back to normal: its clock is set again."
    assert appliance.clock.state()["source"] == "network"
