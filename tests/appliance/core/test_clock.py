"""The box's clock: the system clock while it can be trusted, else the network's time carried
forward with the monotonic clock (core/clock.py TrustedClock)."""
from datetime import datetime, timedelta, timezone

from appliance.core.clock import TrustedClock

NOW = datetime(2026, 12, 5, 15, 0, tzinfo=timezone.utc)


class Fake:
    """Settable system and monotonic clocks."""

    def __init__(self):
        self.system, self.mono = NOW, 100.0

    def clock(self, **options) -> TrustedClock:
        return TrustedClock(lambda: self.system, lambda: self.mono, **options)


def test_the_system_clock_is_used_while_it_agrees_with_the_network_and_the_records():
    fake = Fake()
    clock = fake.clock()
    clock.set_floor(NOW - timedelta(hours=1))
    assert clock() == NOW and clock.trusted() and clock.state()["source"] == "system"
    clock.network_time_seen(NOW + timedelta(minutes=4))
    assert clock() == NOW


def test_a_system_clock_far_from_the_network_gives_way_and_network_time_runs_on():
    fake = Fake()
    fake.system = datetime(2023, 1, 1, tzinfo=timezone.utc)          # a Pi after a power cut
    clock = fake.clock()
    clock.network_time_seen(NOW, at_monotonic=90.0)                    # read 10 s ago
    assert clock() == NOW + timedelta(seconds=10)
    fake.mono += 60
    assert clock() == NOW + timedelta(seconds=70)
    assert clock.trusted() and clock.state()["source"] == "network"


def test_behind_the_records_without_network_time_nothing_can_be_trusted():
    fake = Fake()
    clock = fake.clock()
    clock.set_floor(NOW + timedelta(days=30))
    assert clock() == NOW and not clock.trusted()
    assert clock.state()["source"] == "untrusted"
    clock.network_time_seen(NOW - timedelta(days=400))                 # a module's own clock
    assert not clock.trusted()
    clock.network_time_seen(NOW + timedelta(days=31))
    assert clock.trusted() and clock() == NOW + timedelta(days=31)


def test_a_gap_of_a_whole_time_zone_is_a_module_reporting_local_time_not_a_wrong_clock():
    fake = Fake()
    clock = fake.clock()
    clock.network_time_seen(NOW - timedelta(hours=5, seconds=20))      # local time said as UTC
    assert clock() == NOW and clock.state()["source"] == "system"
    clock.set_floor(NOW + timedelta(days=1))                           # ... unless behind records
    assert clock.state()["source"] == "untrusted"
    clock.network_time_seen(NOW + timedelta(days=1, hours=5))
    assert clock.state()["source"] == "network"
