"""The owner hears about faults and (optionally) the week by text, end to end: a whole box on
the modem simulator, its texts read off the simulated network (app/owner_news.py)."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from appliance.app.timings import FAST
from tests.appliance.box_support import CALLER, running_box, wait_call
from tests.helpers import wait_for

OWNER = "+12125550100"
QUICK = replace(FAST, fault_text_delays={"modem_missing": timedelta(seconds=0.5),
                                         "texts_failing": timedelta(seconds=0.5)})
PLENTY = 1 << 40


def _owner_texts(app) -> list[str]:
    return [text for number, text in app.simulator.sent_texts() if number == OWNER]


def test_faults_reach_the_owner_once_and_back_to_normal_once(tmp_path):
    free = {"bytes": PLENTY}
    with running_box(tmp_path, "sim800", settings={"owner_phone": OWNER}, timings=QUICK,
                     disk_free=lambda folder: free["bytes"]) as app:
        app.simulator.unplug()                       # the modem is missing ...
        wait_for(lambda: app.modem.status.state == "no_modem", 10, "modem seen as gone")
        wait_for(lambda: "modem_missing" in app.owner_news.faults.counted(), 10, "5 minutes")
        assert _owner_texts(app) == []
        app.simulator.replug()                       # ... and told once it is back
        wait_for(lambda: _owner_texts(app), 15, "the owner's text")
        [back] = _owner_texts(app)
        assert back.startswith("TextBack Box: its modem was missing for 1 minute. It is back "
                               "to normal now")
        free["bytes"] = 50 * 2**20                   # 50 MB left on the card
        wait_for(lambda: len(_owner_texts(app)) == 2, 10, "nearly full told")
        assert "storage card is nearly full" in _owner_texts(app)[1]
        free["bytes"] = PLENTY
        wait_for(lambda: len(_owner_texts(app)) == 3, 10, "room again told")
        assert _owner_texts(app)[2] == ("TextBack Box: back to normal: its storage card has "
                                        "room again.")
        app.simulator.fail_next_sends(8)             # the caller's text fails 8 times: given up
        app.simulator.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="failed")
        wait_for(lambda: len(_owner_texts(app)) == 4, 10, "texts failing told")
        assert _owner_texts(app)[3].startswith("TextBack Box: texts to callers have been failing")
        free["bytes"] = 50 * 2**20                   # within 6 hours: not told again
        wait_for(lambda: app.status.glance().storage["free_mb"] == 50.0, 5, "seen")
        app.monitor.update_light()
        app.service.call(lambda: None)               # anything queued is in the store now
        assert len(app.store.messages_for(OWNER)) == 4


class MovableClock:
    """The box's clock: real time running from a chosen start, movable by the test."""

    def __init__(self, start: datetime):
        self.offset = start - datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset

    def move_to(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(timezone.utc)


def test_the_weekly_summary_goes_on_monday_morning_with_last_weeks_figures(tmp_path):
    zone = ZoneInfo("America/New_York")
    clock = MovableClock(datetime(2026, 12, 2, 12, 0, tzinfo=zone))          # a Wednesday
    settings = {"owner_phone": OWNER, "weekly_summary": True, "timezone": "America/New_York",
                "average_job_value": 400}
    with running_box(tmp_path, "sim800", settings=settings, clock=clock) as app:
        app.store.update_box_state(weekly_summary_for="2026-11-30")         # this week's went
        app.simulator.ring(CALLER, number_type=145, rings=1)
        wait_call(app, outcome="texted")
        app.simulator.receive_text(CALLER, "Yes please, tomorrow at 9")
        wait_for(lambda: app.store.messages_for(CALLER)[-1].direction == "in", 10, "reply")
        clock.move_to(datetime(2026, 12, 7, 7, 59, tzinfo=zone))
        app.monitor.update_light()
        assert not any("this week" in text for text in _owner_texts(app))
        clock.move_to(datetime(2026, 12, 7, 8, 0, 5, tzinfo=zone))
        wait_for(lambda: any("this week" in text for text in _owner_texts(app)), 10, "summary")
        summaries = [text for text in _owner_texts(app) if "this week" in text]
        assert summaries == ["TextBack Box, this week: 1 missed call, 1 texted, 1 replied, "
                             "0 booked, about $400."]
