"""Fixtures for the web tests: the page tests' box, a whole box where the box is what's tested,
and Flask test clients.

  box        the facade the app is given: by default the page tests' box (tests/web/shop_box.py:
             the real facade, store and service, run inline, with no modem and no threads); for
             a test that asks for `appliance`, that whole box's facade
  appliance  a whole started box on the modem simulator (tests/appliance/box_support.py), for
             tests where a text must really reach the simulated network, a delivery report come
             back, or the modem go away
  app        web.create_app(box) with TESTING on and CSRF protection ON
  anon       a client that is not logged in (no automatic CSRF token)
  client     a logged-in client; form POSTs get a valid CSRF token added automatically
             (pass csrf_token yourself, or csrf=False, to test CSRF failures)
  api        a client that sends `Authorization: Bearer <token>` with every request
  ring       ring(number, withheld=False) -> the stored call once its outcome is final
  text_in    text_in(number, text) -> the stored incoming message once it is in the conversation
PASSWORD is the admin password the `client` fixture logs in with.
"""
from __future__ import annotations

import hashlib
import os

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from tests.helpers import wait_for

PASSWORD = "correct horse battery"
SETTLED = {"texted", "withheld", "cooldown", "opted_out", "excluded", "paused", "invalid_number",
           "business_line", "own_number", "owner_phone",
           "short_code", "active_conversation", "daily_cap", "failed", "unconfirmed",
           "foreign", "premium", "service_number", "box_cap"}


class ShopClient(FlaskClient):
    """A test client that adds the CSRF token to form POSTs, as the page's own forms do."""

    auto_csrf = True

    def csrf_token(self) -> str:
        """The token the page would embed in its forms for this client's session."""
        app = self.application
        with self.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
            raw = session["csrf_token"]
        return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, **kwargs):
        csrf = kwargs.pop("csrf", self.auto_csrf)
        data = kwargs.get("data")
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method == "POST" and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().open(*args, **kwargs)


@pytest.fixture
def appliance(tmp_path):
    from tests.appliance.box_support import running_box
    with running_box(tmp_path / "data") as the_appliance:
        yield the_appliance


@pytest.fixture
def box(request, tmp_path):
    if "appliance" in request.fixturenames:
        yield request.getfixturevalue("appliance").box
        return
    from tests.web.shop_box import shop_box
    the_box = shop_box(tmp_path / "data")
    yield the_box
    the_box.store.close()


@pytest.fixture
def app(box):
    from web import create_app
    flask_app = create_app(box, {"TESTING": True})
    flask_app.test_client_class = ShopClient
    return flask_app


@pytest.fixture
def anon(app):
    test_client = app.test_client()
    test_client.auto_csrf = False
    return test_client


@pytest.fixture(scope="session")
def password_file(tmp_path_factory) -> str:
    """The password file `set_password(PASSWORD)` writes, made once (scrypt takes a while)."""
    from appliance.storage import secrets
    folder = tmp_path_factory.mktemp("password")
    secrets.set_password(folder, PASSWORD)
    return (folder / secrets.PASSWORD_FILE).read_text()


@pytest.fixture
def client(app, box, password_file):
    """Logged in as the login page does it (web/auth.py start_session), with PASSWORD set;
    logging in through the page itself is tests/web/test_auth.py's."""
    from appliance.storage import secrets
    secrets.write_private(box.data_dir / secrets.PASSWORD_FILE, password_file)
    test_client = app.test_client()
    with test_client.session_transaction() as session:
        session["sid"] = box.sessions.start(box.clock())
        session["logged_in"] = True
        session["password_stamp"] = box.password_stamp()
        session.permanent = True
    return test_client


@pytest.fixture
def api(app, box):
    test_client = app.test_client()
    test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {box.api_token()}"
    return test_client


@pytest.fixture
def ring(box):
    """Ring the box as a caller; return the call once its outcome is final."""
    def _ring(number: str = "+12025550101", withheld: bool = False, rings: int = 2):
        before = {call.id for call in box.calls(limit=None)}
        box.demo_phone.ring(number, rings=rings, withheld=withheld)

        def settled():
            fresh = [c for c in box.calls(limit=None) if c.id not in before]
            return fresh[0] if fresh and fresh[0].outcome in SETTLED else None
        return wait_for(settled, timeout=10, message=f"the call from {number} to be logged")
    return _ring


@pytest.fixture
def text_in(box):
    """A customer texts the box; return the stored incoming message."""
    def _text_in(number: str, text: str) -> dict:
        before = box.conversation(number)
        unread = (before or {}).get("contact", {}).get("unread", 0)
        box.demo_phone.text(number, text)

        def arrived():
            # Stored and counted as unread: the service has finished with it.
            found = box.conversation(number)
            if not found or found["contact"]["unread"] <= unread:
                return None
            for message in found["messages"]:
                if message["direction"] == "in" and message["text"] == text:
                    return message
            return None
        return wait_for(arrived, timeout=10, message=f"the text from {number} to arrive")
    return _text_in
