"""The Connections page and the API's view of the connection settings: secrets never shown,
blank keeps them, errors on the field they belong to; on a whole box with its webhook thread,
the last delivery result per webhook and "send test"."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "s3cret-for-the-job-app"


def test_the_api_never_shows_secrets_and_keeps_them_when_left_out(api, box):
    hook = {"url": "https://jobs.example.com/hook", "secret": SECRET, "events": ["reply"]}
    response = api.patch("/api/settings", json={
        "mqtt": {"host": "192.168.1.10", "username": "box", "password": "broker-pw"},
        "webhooks": [hook]})
    assert response.status_code == 200, response.get_json()
    for shown in (response.get_json(), api.get("/api/settings").get_json()):
        assert shown["mqtt"]["password_set"] is True and "password" not in shown["mqtt"]
        assert shown["webhooks"] == [{"url": hook["url"], "events": ["reply"],
                                      "secret_set": True}]
        assert SECRET not in str(shown) and "broker-pw" not in str(shown)
    # What GET answered, sent back as it is, changes nothing (the secrets stay).
    again = api.patch("/api/settings", json={k: api.get("/api/settings").get_json()[k]
                                             for k in ("mqtt", "webhooks")})
    assert again.status_code == 200, again.get_json()
    saved = box.settings()
    assert saved["mqtt"]["password"] == "broker-pw" and saved["webhooks"][0]["secret"] == SECRET
    bad = api.patch("/api/settings", json={"mqtt": {"port": "1883"}})
    assert bad.status_code == 400 and "mqtt.port" in bad.get_json()["errors"]
    assert api.get("/api/status").get_json()["box_id"] == box.box_id


def test_the_page_saves_mqtt_and_shows_the_connection(client, box):
    page = client.get("/settings/connections/")
    assert page.status_code == 200 and box.box_id in page.get_data(as_text=True)
    assert 'data-testid="mqtt-state">Off' in page.get_data(as_text=True)
    form = {"host": "127.0.0.1", "port": "1", "username": "u", "password": "pw-1",
            "prefix": "shop", "discovery_prefix": "homeassistant"}
    assert client.post("/settings/connections/mqtt", data=form).status_code == 302
    assert box.settings()["mqtt"] == {"host": "127.0.0.1", "port": 1, "username": "u",
                                      "password": "pw-1", "tls": False, "prefix": "shop",
                                      "discovery_prefix": "homeassistant"}
    html = client.get("/settings/connections/").get_data(as_text=True)
    assert "pw-1" not in html and "saved — leave empty to keep it" in html
    assert client.post("/settings/connections/mqtt",
                       data={**form, "password": ""}).status_code == 302
    assert box.settings()["mqtt"]["password"] == "pw-1"
    bad = client.post("/settings/connections/mqtt", data={**form, "host": "mqtt://x",
                                                          "port": "abc"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert 'data-testid="error-host"' in text and 'data-testid="error-port"' in text
    assert client.post("/settings/connections/mqtt",
                       data={**form, "forget_password": "on"}).status_code == 302
    assert box.settings()["mqtt"]["password"] == ""


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhooks_are_edited_tested_and_removed_on_the_page(client, appliance, box):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        missing = client.post("/settings/connections/webhooks", data={
            "rows": "1", "hooks-0-url": url, "hooks-0-events": ["missed_call"]})
        assert missing.status_code == 400
        assert 'data-testid="error-hooks-0-secret"' in missing.get_data(as_text=True)
        added = client.post("/settings/connections/webhooks", data={
            "rows": "1", "hooks-0-url": url, "hooks-0-secret": SECRET,
            "hooks-0-events": ["missed_call", "reply"]})
        assert added.status_code == 302
        assert box.settings()["webhooks"] == [{"url": url, "secret": SECRET,
                                               "events": ["missed_call", "reply"]}]
        page = client.get("/settings/connections/").get_data(as_text=True)
        assert "Nothing sent yet" in page and SECRET not in page
        tested = client.post("/settings/connections/webhooks/test", data={"url": url},
                             follow_redirects=True)
        assert "Test delivered" in tested.get_data(as_text=True)
        assert 'data-testid="hook-result-0">Delivered' in tested.get_data(as_text=True)
        # Row 0 kept (blank secret keeps it), the empty row 1 ignored; then removed.
        client.post("/settings/connections/webhooks", data={
            "rows": "2", "hooks-0-url": url, "hooks-0-events": ["reply"], "hooks-1-url": ""})
        assert box.settings()["webhooks"][0] == {"url": url, "secret": SECRET,
                                                 "events": ["reply"]}
        client.post("/settings/connections/webhooks", data={
            "rows": "2", "hooks-0-url": url, "hooks-0-remove": "on", "hooks-1-url": ""})
        assert box.settings()["webhooks"] == []
        gone = client.post("/settings/connections/webhooks/test", data={"url": url},
                           follow_redirects=True)
        assert "no webhook with this address" in gone.get_data(as_text=True)
    finally:
        server.shutdown()
        server.server_close()


def test_the_settings_page_links_to_connections(client):
    assert 'href="/settings/connections/"' in client.get("/settings/").get_data(as_text=True)
