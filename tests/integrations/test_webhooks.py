"""Webhooks from a real box to a local HTTP server that checks every signature.

The server (http.server on 127.0.0.1) fails the first two deliveries and accepts the third: the
event must arrive exactly once, signed, with the same delivery id on every try. Plus: a hook
only gets the event types it asked for, "send test" records its result, a hook that keeps
failing is given up and logged.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from appliance.integrations import webhook_post
from tests.appliance.box_support import CALLER, running_box, wait_call
from tests.helpers import wait_for

SECRET = "a-long-shared-secret-0123"


class Receiver:
    """An HTTP server that answers `answers` in turn (then 200) and keeps what it got."""

    def __init__(self, answers=()):
        self.answers = list(answers)
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(SECRET.encode(), body,
                                                hashlib.sha256).hexdigest()
                request = {"body": json.loads(body),
                           "headers": {k.lower(): v for k, v in self.headers.items()},
                           "signed": hmac.compare_digest(
                               self.headers.get("X-TextBack-Signature", ""), expected)}
                with lock:
                    receiver.requests.append(request)
                    code = receiver.answers.pop(0) if receiver.answers else 200
                    if code == 200 and request["signed"]:
                        receiver.accepted.append(request)
                self.send_response(code if request["signed"] else 401)
                self.end_headers()

            def log_message(self, *args):
                pass

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of_type(self, kind: str) -> list[dict]:
        return [r for r in self.requests if r["body"]["type"] == kind]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver(answers=(500, 503))
    yield server
    server.close()


def test_a_missed_call_is_delivered_once_after_two_failures(tmp_path, receiver):
    hooks = [{"url": receiver.url, "secret": SECRET, "events": ["missed_call"]}]
    with running_box(tmp_path / "box", settings={"webhooks": hooks}) as app:
        app.demo_phone.ring(CALLER, rings=1)
        call = wait_call(app, outcome="texted")[0]
        hooks_part = app.integrations.webhooks
        wait_for(lambda: receiver.accepted, 10, "the delivery accepted")
        wait_for(lambda: not hooks_part.deliveries.items(), 5, "nothing left to deliver")
        tries = receiver.of_type("missed_call")
        assert len(tries) == 3 and all(t["signed"] for t in tries)
        assert len(receiver.accepted) == 1
        event = receiver.accepted[0]["body"]
        assert event["number"] == CALLER and event["call_id"] == call.id
        assert {t["headers"]["x-textback-delivery"] for t in tries} == {event["id"]}
        assert receiver.accepted[0]["headers"]["x-textback-box"] == app.box_id
        assert receiver.of_type("text_back") == []          # not asked for
        result = hooks_part.results()[receiver.url]
        assert result["ok"] and result["attempts"] == 3 and result["event_id"] == event["id"]

        # "Send test" posts at once and records what happened.
        attempt = hooks_part.send_test(receiver.url)
        assert attempt.ok and receiver.accepted[-1]["body"]["type"] == "test"
        assert hooks_part.results()[receiver.url]["event_type"] == "test"


def test_a_hook_that_keeps_failing_is_given_up_and_logged(tmp_path, caplog):
    dead = Receiver(answers=[500] * 1000)
    # Slack-style: the path is the secret, so the logs name the host only.
    url = f"{dead.url}/T0KEY/B0KEY/XsecretX?token=s3cr3t"
    hooks = [{"url": url, "secret": SECRET, "events": ["missed_call", "text_back"]}]
    try:
        with running_box(tmp_path / "box", settings={"webhooks": hooks}) as app:
            app.demo_phone.ring(CALLER, rings=1)
            wait_call(app, outcome="texted")
            hooks_part = app.integrations.webhooks
            # Fast boxes give up after 1.5 s instead of a day.
            wait_for(lambda: not hooks_part.deliveries.items(), 15, "given up")
            gave_up = [e for e in app.store.events(limit=50) if e["kind"] == "webhook"]
            assert len(gave_up) == 2 and "Gave up" in gave_up[0]["text"]
            host = dead.url.rsplit("/", 1)[0]
            assert all(f"{host}/…" in e["text"] for e in gave_up)
            assert hooks_part.results()[url]["ok"] is False
            assert len(dead.of_type("missed_call")) > 2
            written = [e["text"] for e in app.store.events(limit=None)] + \
                [r.getMessage() for r in caplog.records]
            assert not [line for line in written if "secret" in line or "KEY" in line]
    finally:
        dead.close()


@pytest.mark.parametrize("url, shown", [
    ("https://hooks.slack.com/services/T0/B0/xyz", "https://hooks.slack.com/…"),
    ("https://user:pw@example.com:8443/?key=1", "https://example.com:8443/…"),
    ("http://192.168.1.20:1880", "http://192.168.1.20:1880"),
    ("http://[fd00::5]/hook", "http://[fd00::5]/…"),
    ("http://example.com:99999/x", "(an unusable address)"),
    ("/hooks/new?key=1", "/…"),                         # a relative redirect
])
def test_logs_show_a_hook_by_its_host(url, shown):
    assert webhook_post.shown_url(url) == shown


def test_an_unusable_address_does_not_leak_into_the_error():
    attempt = webhook_post.post("htp://example.com/secret-path", {"id": "e", "type": "test"},
                                SECRET, "abc", "1.0", timeout=2)
    assert not attempt.ok and "secret-path" not in attempt.error


def test_signature_is_the_hmac_of_the_exact_body():
    body = webhook_post.body_of({"id": "x", "type": "reply", "text": "Leak ☔"})
    assert body == '{"id":"x","type":"reply","text":"Leak ☔"}'.encode()
    assert webhook_post.signature(body, "k") == \
        "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()


def test_nothing_listening_is_a_failed_attempt_not_an_error():
    attempt = webhook_post.post("http://127.0.0.1:9/hook", {"id": "e", "type": "test"}, SECRET,
                                "abc", "1.0", timeout=2)
    assert not attempt.ok and attempt.status is None and attempt.error.startswith("no answer")


def test_every_event_type_reaches_a_hook_that_wants_them_all(tmp_path):
    """Each place that emits: text-back, send results, replies (reply, urgent, STOP), delivery
    reports, and the monitor's fault raised and cleared (the modem unplugged and back)."""
    hook = Receiver()
    hooks = [{"url": hook.url, "secret": SECRET}]                  # no events: every type
    try:
        with running_box(tmp_path / "box", settings={"webhooks": hooks}) as app:
            sim = app.simulator
            sim.ring(CALLER, rings=1)
            wait_call(app, outcome="texted")
            sim.receive_text(CALLER, "Burst pipe under the sink")
            sim.receive_text(CALLER, "STOP")
            wait_for(lambda: hook.of_type("opt_out"), 10, "the opt-out")
            sim.deliver_report(sim.sent[0].reference, delivered=True)
            wait_for(lambda: hook.of_type("delivery"), 10, "the delivery report")
            sim.unplug()
            wait_for(lambda: hook.of_type("fault"), 10, "the fault raised")
            sim.replug()
            wait_for(lambda: len(hook.of_type("fault")) == 2, 15, "the fault cleared")
        got = {r["body"]["type"]: r["body"] for r in hook.requests}
        assert set(got) == {"missed_call", "text_back", "reply", "urgent", "opt_out", "delivery",
                            "fault"}
        assert got["urgent"]["words"] == ["burst"] and got["reply"]["urgent"] is True
        assert got["opt_out"]["opted_out"] is True and got["delivery"]["status"] == "delivered"
        assert [r["body"]["state"] for r in hook.of_type("fault")] == ["raised", "cleared"]
        assert all(r["signed"] for r in hook.requests)
    finally:
        hook.close()
