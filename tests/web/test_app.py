"""The app factory and the protections every response carries."""
import re

import pytest

from web import create_app
from web.blueprints import BLUEPRINT_MODULES
from web.security import CONTENT_SECURITY_POLICY

MY_PAGES = ["/", "/conversations/", "/calls/", "/results/", "/account/password"]


def test_every_blueprint_module_is_registered(app):
    names = {module.rsplit(".", 1)[1] for module in BLUEPRINT_MODULES}
    assert names <= set(app.blueprints)
    assert "live" in app.blueprints and "api.live" not in app.blueprints   # not nested


def test_the_box_is_stored_on_the_app(app, box):
    assert app.extensions["box"] is box


def test_the_secret_key_comes_from_the_data_folder_and_survives_a_new_app(box):
    first = create_app(box, {"TESTING": True})
    second = create_app(box, {"TESTING": True})
    assert first.secret_key and first.secret_key == second.secret_key


def test_config_overrides_the_secret_key_and_defaults(box):
    app = create_app(box, {"SECRET_KEY": "given", "TESTING": True})
    assert app.secret_key == "given"
    assert app.config["TESTING"] is True
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


@pytest.mark.parametrize("path", MY_PAGES + ["/login", "/static/app.css", "/nowhere"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_security_headers_on_the_api(api):
    response = api.get("/api/status")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_policy_allows_no_inline_code():
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_session_cookie_is_httponly_and_samesite_lax(anon, box):
    box.set_password("correct horse battery")
    response = anon.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "; Secure" not in cookie   # plain http on the shop LAN


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style", re.I)


@pytest.mark.parametrize("path", MY_PAGES + ["/conversations/+12025550101"])
def test_pages_have_no_inline_scripts_or_styles(client, ring, text_in, path):
    ring("+12025550101")
    text_in("+12025550101", "Hi there")
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html)
    assert not STYLE_ATTRIBUTE.search(html)
    assert not STYLE_ELEMENT.search(html)


def test_unknown_pages_answer_404_in_plain_words(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "nothing at this address" in response.get_data(as_text=True)


def test_unknown_api_paths_answer_json(api):
    response = api.get("/api/nowhere")
    assert response.status_code == 404
    assert response.get_json() == {"error": "There's nothing at this address."}


def test_static_files_are_served(anon):
    assert anon.get("/static/app.js").status_code == 200
    assert anon.get("/static/app.css").status_code == 200
