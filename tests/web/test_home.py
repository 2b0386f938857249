"""Home: health at a glance, today's and this month's numbers, latest calls, live updates."""
import re

from tests.helpers import wait_for

CALLER = "+12025550101"


def test_home_says_the_box_is_working(client, box):
    html = client.get("/").get_data(as_text=True)
    assert 'data-level="ok"' in html
    assert "Working — missed callers get a text" in html
    assert "Connected and ready" in html
    assert 'data-testid="signal-bars"' in html
    sim_number = box.status()["modem"]["sim_number"]
    if sim_number:
        assert sim_number in html


def _counted(box, replied=0):
    """The box sums today's numbers at most every 2 s (facade cache): wait for the new ones."""
    wait_for(lambda: box.status()["today"]["missed"] == 1
             and box.status()["today"]["replied"] == replied,
             timeout=5, message="the status counts to include the call")


def test_todays_numbers_and_latest_calls(client, box, ring, text_in):
    ring(CALLER)
    text_in(CALLER, "Yes please")
    _counted(box, replied=1)
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="today-missed">1<', html)
    assert re.search(r'data-testid="today-texted">1<', html)
    assert re.search(r'data-testid="today-replied">1<', html)
    assert re.search(r'data-testid="month-missed">1<', html)
    assert "1</span> unread reply" in html
    assert CALLER in html and "Texted back" in html


def test_a_missing_modem_is_explained_with_what_to_do(client, appliance, box):
    appliance.simulator.unplug()
    try:
        wait_for(lambda: box.status()["modem"]["state"] == "no_modem", timeout=10,
                 message="the box to notice the modem is gone")
        html = client.get("/").get_data(as_text=True)
        assert 'data-level="fault"' in html
        assert "Not working — callers are not being texted" in html
        assert "Modem not found" in html
        assert "What to do:" in html and "USB cable" in html
    finally:
        appliance.simulator.replug()


def test_paused_is_shown(client, box):
    box.pause(True)
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="paused"' in html


def test_live_status(client, box, ring):
    live = client.get("/live/status").get_json()
    assert live["status"]["modem"]["state"] == "ready"
    assert set(live["regions"]) == {"health", "numbers", "recent-calls"}
    assert live["text"]["unread"] == ""
    ring(CALLER)
    _counted(box)
    live = client.get("/live/status").get_json()
    assert CALLER in live["regions"]["recent-calls"]
    assert re.search(r'data-testid="today-missed">1<', live["regions"]["numbers"])


def test_the_nav_reaches_every_section(client):
    html = client.get("/").get_data(as_text=True)
    for testid in ("nav-home", "nav-inbox", "nav-calls", "nav-results", "nav-messages",
                   "nav-schedule", "nav-settings", "nav-setup", "nav-wifi"):
        assert f'data-testid="{testid}"' in html
    assert 'data-testid="demo-banner"' in html


def test_the_event_log_is_on_the_page_and_escaped(client, appliance, box):
    box.store.log_event("modem", "Modem restarted (<b>RDY</b>); re-initialising",
                      level="warn")
    page = client.get("/events").get_data(as_text=True)
    assert "Modem restarted (&lt;b&gt;RDY&lt;/b&gt;); re-initialising" in page
    assert "TextBack Box started" in page          # written by the box itself at start-up
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="recent-events"' in home and "RDY" in home


def test_the_event_log_needs_a_login(anon):
    assert anon.get("/events").status_code == 302
