"""Logging in, the first-run password, changing the password, rate limiting and CSRF."""
from datetime import datetime, timezone

import pytest

from appliance.core.domain import StartSetupHotspot
from tests.helpers import wait_for
from tests.web.conftest import PASSWORD

PAGES = ["/", "/conversations/", "/conversations/+12025550101", "/calls/", "/results/",
         "/account/password"]


def _long_button_press(box):
    box.service.post(StartSetupHotspot(at=datetime.now(timezone.utc)))
    wait_for(lambda: box.first_run_allowed("192.168.1.20"), message="the first-run window")


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_a_login(anon, box, path):
    box.set_password(PASSWORD)
    response = anon.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_live_endpoints_need_a_login_and_answer_json(anon, box):
    box.set_password(PASSWORD)
    response = anon.get("/live/status")
    assert response.status_code == 401
    assert response.get_json()["error"]


def test_without_a_password_login_sends_to_first_run(anon):
    response = anon.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/first-run"


def test_first_run_is_refused_from_the_shop_network_and_explains_why(anon, box):
    response = anon.get("/first-run")
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "No password is set yet" in text
    assert "python -m appliance password" in text
    assert "hold the button for 10 seconds" in text
    response = anon.post("/first-run", data={"csrf_token": anon.csrf_token(),
                                             "new_password": "sneaky-pass", "confirm_password": "sneaky-pass"})
    assert response.status_code == 403
    assert not box.password_is_set()


def test_first_run_after_a_long_button_press_sets_the_password_and_logs_in(anon, box):
    _long_button_press(box)
    form = anon.get("/first-run")
    assert form.status_code == 200
    assert 'data-testid="first-run-form"' in form.get_data(as_text=True)
    response = anon.post("/first-run", data={"csrf_token": anon.csrf_token(),
                                             "new_password": "a-good-password", "confirm_password": "a-good-password"})
    assert response.status_code == 302
    assert box.check_password("a-good-password")
    assert anon.get("/").status_code == 200
    assert anon.get("/first-run").headers["Location"] == "/login"   # only once


@pytest.mark.parametrize("new, again, field", [("short", "short", "new_password"),
                                               ("a-good-password", "a-different-one", "confirm_password")])
def test_first_run_rejects_bad_passwords(anon, box, new, again, field):
    _long_button_press(box)
    response = anon.post("/first-run", data={"csrf_token": anon.csrf_token(),
                                             "new_password": new, "confirm_password": again})
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in response.get_data(as_text=True)
    assert not box.password_is_set()


def test_login_with_the_right_password(anon, box):
    box.set_password(PASSWORD)
    response = anon.post("/login", data={"csrf_token": anon.csrf_token(), "password": PASSWORD,
                                         "next": "/calls/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/calls/"
    assert anon.get("/calls/").status_code == 200


def test_login_with_a_wrong_password(anon, box):
    box.set_password(PASSWORD)
    response = anon.post("/login", data={"csrf_token": anon.csrf_token(), "password": "nope"})
    assert response.status_code == 401
    assert "That password isn&#39;t right." in response.get_data(as_text=True)
    assert anon.get("/").status_code == 302


def test_five_wrong_passwords_lock_that_address_out(anon, app, box):
    box.set_password(PASSWORD)
    token = anon.csrf_token()
    for _ in range(5):
        assert anon.post("/login", data={"csrf_token": token, "password": "guess"}).status_code == 401
    response = anon.post("/login", data={"csrf_token": token, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many wrong passwords" in response.get_data(as_text=True)
    assert anon.get("/").status_code == 302   # the right password did not log in
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.168.1.77"
    response = other.post("/login", data={"password": PASSWORD})
    assert response.status_code == 302   # another device is not locked out


def test_login_form_without_csrf_token_is_refused(anon, box):
    box.set_password(PASSWORD)
    response = anon.post("/login", data={"password": PASSWORD})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)
    assert anon.get("/").status_code == 302


def test_a_forged_csrf_token_is_refused(client):
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert client.get("/").status_code == 200   # still logged in


def test_logout(client):
    assert client.get("/logout").status_code == 405   # a link can't log you out
    response = client.post("/logout", data={})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_change_password(client, box):
    page = client.get("/account/password")
    assert page.status_code == 200
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "brand-new-secret",
        "confirm_password": "brand-new-secret"})
    assert response.status_code == 302
    assert box.check_password("brand-new-secret")
    assert not box.check_password(PASSWORD)


@pytest.mark.parametrize("current, new, again, field", [
    ("wrong-one", "brand-new-secret", "brand-new-secret", "current_password"),
    (PASSWORD, "short", "short", "new_password"),
    (PASSWORD, "brand-new-secret", "brand-new-other", "confirm_password"),
])
def test_change_password_errors(client, box, current, new, again, field):
    response = client.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm_password": again})
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in response.get_data(as_text=True)
    assert box.check_password(PASSWORD)


def test_change_password_needs_csrf(client, box):
    response = client.post("/account/password", csrf=False, data={
        "current_password": PASSWORD, "new_password": "brand-new-secret",
        "confirm_password": "brand-new-secret"})
    assert response.status_code == 400
    assert box.check_password(PASSWORD)


def _logged_in_client(app):
    other = app.test_client()
    assert other.post("/login", data={"password": PASSWORD}).status_code == 302
    assert other.get("/").status_code == 200
    return other


def test_changing_the_password_ends_every_other_session(client, app, box):
    other = _logged_in_client(app)          # e.g. the shop PC, still logged in
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "brand-new-secret",
        "confirm_password": "brand-new-secret"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200             # the one who changed it stays in
    assert other.get("/").status_code == 302               # the other one is logged out
    assert other.get("/live/status").status_code == 401
    assert other.post("/login", data={"password": PASSWORD}).status_code == 401
    assert other.post("/login", data={"password": "brand-new-secret"}).status_code == 302
    assert other.get("/").status_code == 200


def test_a_password_set_on_the_box_ends_the_page_sessions(client, box):
    box.set_password("set-with-the-command-line")        # `python -m appliance password`
    assert client.get("/").status_code == 302
    assert box.password_stamp() and box.password_stamp() != ""


def test_json_requests_get_401_json_instead_of_the_login_page(anon, box):
    box.set_password(PASSWORD)
    for path in ("/live/inbox", "/live/calls", "/setup/test-status?since=2026-11-27T10:00:00Z"):
        response = anon.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 401, path
        assert response.get_json()["error"].startswith("Logged out")
    response = anon.post("/messages/analyse", json={"text": "hi"},
                         headers={"X-CSRFToken": anon.csrf_token()})
    assert response.status_code == 401 and response.is_json
    page = anon.get("/setup/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


@pytest.mark.parametrize("next_url", ["/\t/evil.example", "//evil.example/", "/\\evil.example",
                                      "https://evil.example/", "/ok\n/x"])
def test_login_never_redirects_to_another_site(anon, box, next_url):
    box.set_password(PASSWORD)
    response = anon.post("/login", data={"csrf_token": anon.csrf_token(), "password": PASSWORD,
                                         "next": next_url})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
