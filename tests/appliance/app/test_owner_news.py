"""Owner news over a real store: when each fault was last texted survives a restart, so the
6-hour rule holds (app/owner_news.py)."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from appliance.app.owner_news import OwnerNews
from appliance.core.health import assess
from appliance.storage.store import Store
from tests.helpers import Clock


def _glance(free_mb: float):
    return SimpleNamespace(health=assess("ready", 0, 0), storage={"full": False,
                                                                  "free_mb": free_mb},
                           modem=SimpleNamespace(state="ready"))


def test_a_restart_does_not_text_the_same_fault_again_within_six_hours(tmp_path):
    clock = Clock(datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc))
    texts: list[str] = []
    store = Store(tmp_path, clock=clock)
    store.save_settings({**store.settings(), "owner_phone": "+12125550100"})
    OwnerNews(store, None, clock, texts.append).observe(_glance(50))
    assert len(texts) == 1 and "nearly full" in texts[0]
    clock.now += timedelta(hours=1)                         # the box restarts, still low
    OwnerNews(store, None, clock, texts.append).observe(_glance(50))
    assert len(texts) == 1
    clock.now += timedelta(hours=6)
    OwnerNews(store, None, clock, texts.append).observe(_glance(50))
    assert len(texts) == 2
    store.close()
