"""Fixtures for the integration tests: a real Mosquitto broker of the test's own.

`broker` is started on a free port of 127.0.0.1 with its config in tmp_path (sessions kept on
disk, so it can be killed and started again on the same port) and stopped afterwards. Without
mosquitto installed the tests are skipped, except in CI (CI=true), where that is a failure.
"""
from __future__ import annotations

import os

import pytest

from tests.integrations.broker_support import Broker, mosquitto_path


@pytest.fixture
def broker(tmp_path):
    if mosquitto_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mosquitto is missing: run scripts/system-packages.sh")
        pytest.skip("mosquitto is not installed (scripts/system-packages.sh installs it)")
    running = Broker(tmp_path / "broker", persistence=True).start()
    try:
        yield running
    finally:
        running.stop()


def mqtt_settings(broker, **extra) -> dict:
    """The `mqtt` setting that points a box at `broker`."""
    from appliance.core.settings_connections import MQTT_DEFAULTS
    return {**MQTT_DEFAULTS, "host": "127.0.0.1", "port": broker.port, **extra}
