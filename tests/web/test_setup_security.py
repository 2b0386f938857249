"""Who may change the box's Wi-Fi and password: a real box, recorded nmcli, the Flask client.

The button's 10-second hold is the real command (it opens the window and starts the hotspot
through nmcli); "on the hotspot" is a client address NetworkManager hands out there while the
recorded nmcli says the hotspot is up.
"""
import re
from datetime import datetime, timezone

import pytest

from appliance.core.domain import StartSetupHotspot
from tests.helpers import wait_for
from tests.web.conftest import PASSWORD
from tests.web.test_wifi import CONNECT_SHOP, hotspot_routes, hotspot_scene
from tests.web.test_wifi import (nmcli, owner, phone, wifi_app, wifi_box,  # noqa: F401
                                 world)                                   # (fixtures)

SHOP_DEVICE = {"REMOTE_ADDR": "192.168.1.77"}
NEW_PASSWORD = "blue kettle on the roof"


def _hold_the_button(box, nmcli):
    hotspot_routes(nmcli)
    box.service.post(StartSetupHotspot(at=datetime.now(timezone.utc)))
    wait_for(lambda: nmcli.calls_to("connection", "up"), 10, "the hotspot started")
    hotspot_scene(nmcli)
    wait_for(box.button_window_open, 5, "the button's window")


@pytest.fixture
def shop_device(wifi_app):
    test_client = wifi_app.test_client()
    test_client.environ_base.update(SHOP_DEVICE)
    return test_client


def test_with_a_password_the_hotspot_and_the_button_give_no_wifi_access(
        owner, phone, shop_device, wifi_box, nmcli):
    _hold_the_button(wifi_box, nmcli)
    nmcli.on(CONNECT_SHOP, "connect-ok")
    nmcli.clear_calls()
    for visitor in (phone, shop_device):
        for path in ("/wifi/setup", "/wifi/join?ssid=Shop+WiFi"):
            response = visitor.get(path)
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        response = visitor.post("/wifi/join", data={
            "ssid": "Shop WiFi", "psk": "correct horse", "setup": "1",
            "csrf_token": visitor.csrf_token()})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert nmcli.calls_to("connect") == []
    assert owner.get("/wifi/setup").status_code == 200          # the owner, logged in, may


def test_without_a_password_only_a_hotspot_phone_sets_up_wifi(wifi_app, phone, shop_device,
                                                                wifi_box, nmcli):
    _hold_the_button(wifi_box, nmcli)
    assert phone.get("/wifi/setup").status_code == 200
    response = shop_device.get("/wifi/setup")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # The first password may be set from the shop network inside the button's window.
    assert shop_device.get("/first-run").status_code == 200


def test_a_forgotten_password_is_reset_only_from_the_hotspot_inside_the_window(
        owner, phone, shop_device, wifi_box, nmcli):
    form = {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    hotspot_scene(nmcli)                                    # hotspot up, button not held
    page = phone.get("/reset-password")
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert 'data-testid="reset-locked"' in html and "TextBack-ABCD" in html
    assert "Hold the button on the box for 10 seconds" in html
    assert phone.post("/reset-password", data={**form, "csrf_token": phone.csrf_token()}
                      ).status_code == 403
    _hold_the_button(wifi_box, nmcli)
    for visitor in (shop_device, owner):                    # the window is open, not for them
        assert visitor.post("/reset-password", data={**form, "csrf_token": visitor.csrf_token()}
                            ).status_code == 403
    assert wifi_box.check_password(PASSWORD)
    login = phone.get("/login").get_data(as_text=True)
    assert 'data-testid="reset-link"' in login and 'href="/reset-password"' in login
    assert 'data-testid="reset-link"' not in shop_device.get("/login").get_data(as_text=True)
    common = phone.post("/reset-password", data={
        "new_password": "iloveyou123", "confirm_password": "iloveyou123",
        "csrf_token": phone.csrf_token()})
    assert common.status_code == 400 and "most common passwords" in common.get_data(as_text=True)
    done = phone.post("/reset-password", data={**form, "csrf_token": phone.csrf_token()})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert wifi_box.check_password(NEW_PASSWORD) and not wifi_box.check_password(PASSWORD)
    assert phone.get("/").status_code == 200               # the phone is logged in
    assert owner.get("/").status_code == 302               # every other session ended
    assert not wifi_box.button_window_open()               # one reset per hold
    assert phone.get("/reset-password").status_code == 403


def test_the_login_page_says_truthfully_how_to_reset(anon, wifi_box):
    wifi_box.set_password(PASSWORD)
    html = anon.get("/login").get_data(as_text=True)
    forgot = re.search(r'data-testid="forgot">(.*?)</p>', html, re.S).group(1)
    assert "Hold the button on the box for 10 seconds" in forgot
    assert "label" in forgot and "/reset-password" in forgot
    assert "python -m appliance password" in forgot


def test_the_wifi_page_shows_the_hotspot_key_and_prints_a_label(owner, wifi_box, wifi_app):
    key = wifi_box.hotspot_key()
    html = owner.get("/wifi/").get_data(as_text=True)
    assert f'data-testid="hotspot-key">{key}<' in html
    assert 'data-testid="hotspot-name">TextBack-ABCD<' in html
    label = owner.get("/wifi/label")
    page = label.get_data(as_text=True)
    assert label.status_code == 200
    assert f'data-testid="label-hotspot-key">{key}<' in page
    assert 'data-testid="label-hotspot-name">TextBack-ABCD<' in page
    assert "http://textback.local/" in page and "http://10.42.0.1/" in page
    assert "label.css" in page and 'data-print' in page and 'data-testid="nav"' not in page
    css = wifi_app.test_client().get("/static/label.css").get_data(as_text=True)
    assert "@media print" in css
    stranger = wifi_app.test_client().get("/wifi/label")
    assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]
    assert key not in wifi_app.test_client().get("/login").get_data(as_text=True)
