"""Login sessions end on the box: logging out kills a copied cookie, an idle session expires,
sessions survive a restart; the login limit holds against parallel requests over real HTTP;
deeply nested JSON is a 400; common passwords are refused."""
from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from tests.appliance.box_support import running_box
from tests.web.conftest import PASSWORD, ShopClient
from tests.web.shop_box import shop_box

COOKIE = "textback_session"


class Clock:
    """The box's clock, moved on by the test (the shop's "now")."""

    def __init__(self):
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.ahead


def _app(box):
    from web import create_app
    app = create_app(box, {"TESTING": True})
    app.test_client_class = ShopClient
    return app


def _logged_in(app):
    test_client = app.test_client()
    assert test_client.post("/login", data={"password": PASSWORD}).status_code == 302
    return test_client


def _copy(app, cookie: str):
    """Another browser with a copy of the cookie (stolen, or a second tab's)."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    return other


def test_logging_out_ends_the_session_on_the_box(client, app):
    cookie = client.get_cookie(COOKIE).value
    copy = _copy(app, cookie)
    assert copy.get("/").status_code == 200
    assert client.post("/logout", data={}).status_code == 302
    assert copy.get("/").status_code == 302                # the copied cookie stopped working
    assert copy.get("/live/status").status_code == 401


def test_sessions_survive_a_restart_and_logouts_too(tmp_path):
    data = tmp_path / "data"
    box = shop_box(data)
    box.set_password(PASSWORD)
    app = _app(box)
    kept, ended = _logged_in(app), _logged_in(app)
    kept_cookie, ended_cookie = (c.get_cookie(COOKIE).value for c in (kept, ended))
    ended.post("/logout", data={})
    box.store.close()
    box = shop_box(data)                                  # the same data folder: a restart
    app = _app(box)
    assert _copy(app, kept_cookie).get("/").status_code == 200
    assert _copy(app, ended_cookie).get("/").status_code == 302
    box.store.close()


def test_an_idle_session_expires(tmp_path):
    clock = Clock()
    box = shop_box(tmp_path / "data", clock=clock)
    box.set_password(PASSWORD)
    app = _app(box)
    owner = _logged_in(app)
    clock.ahead = timedelta(days=6)
    assert owner.get("/").status_code == 200           # used: idle time starts again
    clock.ahead = timedelta(days=12)
    assert owner.get("/").status_code == 200
    clock.ahead = timedelta(days=19, hours=1)          # a week without use
    response = owner.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    box.store.close()


def _form_token(base: str) -> tuple[str, str]:
    """(session cookie, CSRF token) as a browser gets them from the login page."""
    with urllib.request.urlopen(base + "login", timeout=10) as response:
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
    return cookie, token


def _post_login(base: str, cookie: str, token: str, password: str) -> int:
    body = urllib.parse.urlencode({"csrf_token": token, "password": password}).encode()
    request = urllib.request.Request(base + "login", data=body, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_forty_wrong_passwords_at_once_get_five_checks(tmp_path):
    with running_box(tmp_path / "data", listen="127.0.0.1:0") as appliance:
        box = appliance.box
        box.set_password(PASSWORD)
        base = appliance.web.address
        cookie, token = _form_token(base)
        start, statuses, lock = threading.Barrier(40), [], threading.Lock()

        def guess(n: int) -> None:
            start.wait()
            status = _post_login(base, cookie, token, f"wrong guess {n}")
            with lock:
                statuses.append(status)
        threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        # 401: the password was checked (and wrong); 429: refused without a check.
        assert sorted(statuses) == [401] * 5 + [429] * 35
        assert _post_login(base, cookie, token, PASSWORD) == 429   # still locked out


@pytest.mark.parametrize("depth", [33, 5000, 100_000])
def test_deeply_nested_json_is_a_400_not_a_500(api, client, depth):
    body = "[" * depth + "]" * depth
    response = api.patch("/api/settings", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than 32 deep" in response.get_json()["errors"]["body"]
    nested = '{"text": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/messages/analyse", data=nested, content_type="application/json",
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 400 and response.get_json()["errors"]


def test_ordinary_json_still_works(api):
    response = api.patch("/api/settings", json={"hours": {"mon": [["07:00", "12:00"]]},
                                                "allowed_countries": ["CA"]})
    assert response.status_code == 200 and response.get_json()["allowed_countries"] == ["CA"]
    broken = api.patch("/api/settings", data="{nope", content_type="application/json")
    assert broken.status_code == 400 and "not valid JSON" in broken.get_json()["errors"]["body"]


@pytest.mark.parametrize("password", ["password1", "Qwertyuiop", "iloveyou!"])
def test_the_first_password_may_not_be_a_common_one(anon, box, password):
    from tests.web.test_auth import _long_button_press
    _long_button_press(box)
    response = anon.post("/first-run", data={"csrf_token": anon.csrf_token(),
                                             "new_password": password,
                                             "confirm_password": password})
    assert response.status_code == 400
    assert "most common passwords" in response.get_data(as_text=True)
    assert not box.password_is_set()
