"""One webhook delivery: the event as JSON, signed, POSTed with a timeout (standard library).

    X-TextBack-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the hook's secret>
    X-TextBack-Event:     the event type
    X-TextBack-Delivery:  the event id (the same on every retry: drop what you already have)
    X-TextBack-Box:       the box id

Any 2xx answer is success. Redirects are not followed (a POST would turn into a GET): they are
reported as failures naming the new address's host, so the owner can fix the hook.

Logs, the event log and an attempt's error name a hook by `shown_url`: its scheme and host only.
A webhook's path or query is often its secret (Slack, Zapier and the like put the key there),
and the system log and the event log travel further than the settings do.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Optional

TIMEOUT = 10.0


@dataclass(frozen=True)
class Attempt:
    ok: bool
    status: Optional[int]      # the HTTP status, or None when no answer came
    error: Optional[str]


def body_of(event: dict) -> bytes:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def shown_url(url: str) -> str:
    """`url` with its path, query and any user:password left out ("https://hooks.example/…")."""
    try:
        parts = urllib.parse.urlsplit(str(url))
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "(an unusable address)"
    host = f"[{host}]" if ":" in host else host
    rest = "/…" if parts.path.strip("/") or parts.query or parts.fragment else ""
    if not parts.scheme and not host:
        return rest or "/"               # a relative redirect: another path on the same host
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}{rest}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None             # urllib then raises HTTPError with the 3xx status


def post(url: str, event: dict, secret: str, box_id: str, version: str,
         timeout: float = TIMEOUT) -> Attempt:
    """POST `event` to `url` once; never raises for network or HTTP trouble."""
    body = body_of(event)
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": f"TextBack-Box/{version}",
        "X-TextBack-Signature": signature(body, secret), "X-TextBack-Event": str(event["type"]),
        "X-TextBack-Delivery": str(event["id"]), "X-TextBack-Box": box_id})
    opener = urllib.request.build_opener(_NoRedirects())
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(65536)
            return Attempt(200 <= response.status < 300, response.status,
                           None if 200 <= response.status < 300 else f"HTTP {response.status}")
    except urllib.error.HTTPError as error:
        moved = error.headers.get("Location") if 300 <= error.code < 400 else None
        return Attempt(False, error.code, f"HTTP {error.code} {error.reason}"
                       + (f" (moved to {shown_url(moved)})" if moved else ""))
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = str(getattr(error, "reason", None) or error).replace(url, shown_url(url))
        return Attempt(False, None, f"no answer: {reason}")
