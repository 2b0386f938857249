"""Reading the network's time (AT+CCLK?) and the SIM's call forwarding (AT+CCFC) answers, and
the simulator speaking both over a pseudo-terminal."""
from datetime import datetime, timedelta, timezone

import pytest

from hardware import call_forwarding, network_time

UTC = timezone.utc


@pytest.mark.parametrize("value, expected", [
    ('"26/12/05,14:30:00+00"', datetime(2026, 12, 5, 14, 30, tzinfo=UTC)),
    ('"26/12/05,14:30:00-20"', datetime(2026, 12, 5, 19, 30, tzinfo=UTC)),   # local, UTC-5
    ('"26/12/06,01:00:00+38"', datetime(2026, 12, 5, 15, 30, tzinfo=UTC)),   # +9:30
    ('26/12/05,14:30:00', datetime(2026, 12, 5, 14, 30, tzinfo=UTC)),        # no zone, no quotes
    ('"80/01/06,00:00:12+00"', None),        # power-on default before network time (1980)
    ('"04/01/01,00:00:00+00"', None),
    ('"26/13/05,14:30:00+00"', None),        # no 13th month
    ('"26/12/05,14:30:00+99"', None),        # no such zone
    ("garbage", None), ("", None), (None, None),
])
def test_network_time_is_read_as_utc_and_implausible_answers_are_none(value, expected):
    assert network_time.parse(value) == expected


def test_call_forwarding_answers_are_read_per_class():
    assert call_forwarding.voice_forwarding(['1,1,"+12125550199",145,,,20']) == {
        "active": True, "number": "+12125550199", "seconds": 20}
    assert call_forwarding.voice_forwarding(["0,7"])["active"] is False
    assert call_forwarding.voice_forwarding(['1,4,"+12125550199",145', "0,1"])["active"] is False
    assert call_forwarding.voice_forwarding(['1,1,"0123456",129'])["number"] == "0123456"
    assert call_forwarding.voice_forwarding(["x,y"])["active"] is False          # unreadable
