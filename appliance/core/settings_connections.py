"""The `mqtt` and `webhooks` settings: defaults, checks, and keeping their secrets secret.

    mqtt      {"host", "port", "username", "password", "tls", "prefix", "discovery_prefix"};
              an empty host means MQTT is off. A change merges key by key into the saved one.
    webhooks  [{"url", "secret", "events"}]; `events` are box event types (all when left out).

Secrets (the broker password, each webhook's secret) are never shown: `public()` replaces them
with `password_set` / `secret_set`. A change that leaves a secret out or blank keeps the saved
one (`with_kept_secrets`, matched by the webhook's address); `"password": null` forgets it.
Checks follow settings_checks.py: (field, key, value, region, errors) -> cleaned value.
"""
from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlsplit

from appliance.core.box_events import EVENT_TYPES

MQTT_DEFAULTS = {"host": "", "port": 1883, "username": "", "password": "", "tls": False,
                 "prefix": "textback", "discovery_prefix": "homeassistant"}
MAX_WEBHOOKS = 10
MIN_SECRET = 16
_HOST = re.compile(r"^[A-Za-z0-9._:\[\]-]{1,253}$")
_TOPIC_LEVELS = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")
_SHOWN_ONLY = {"password_set", "secret_set"}     # what public() adds; ignored when sent back


def public(settings: dict) -> dict:
    """Settings as the API shows them: secrets replaced by whether they are set."""
    shown = copy.deepcopy(dict(settings))
    if isinstance(shown.get("mqtt"), dict):
        shown["mqtt"]["password_set"] = bool(shown["mqtt"].pop("password", ""))
    hooks = shown.get("webhooks")
    if isinstance(hooks, list):
        for hook in hooks:
            if isinstance(hook, dict):
                hook["secret_set"] = bool(hook.pop("secret", ""))
    return shown


def with_kept_secrets(key: str, value: Any, current: dict) -> Any:
    """A patch value with the saved secrets filled in where it leaves them out or blank (and
    `mqtt` merged into the saved one); other keys are returned as they are."""
    if key == "mqtt" and isinstance(value, dict):
        merged = {**(current.get("mqtt") or MQTT_DEFAULTS), **_without_shown(value)}
        if value.get("password") == "" or "password" not in value:
            merged["password"] = (current.get("mqtt") or {}).get("password", "")
        return merged
    if key == "webhooks" and isinstance(value, list):
        saved = {h.get("url"): h.get("secret") for h in current.get("webhooks") or []
                 if isinstance(h, dict)}
        kept = []
        for hook in value:
            if isinstance(hook, dict):
                hook = _without_shown(hook)
                if not hook.get("secret") and saved.get(hook.get("url")):
                    hook["secret"] = saved[hook.get("url")]
            kept.append(hook)
        return kept
    return value


def check_mqtt(field, key: str, value: Any, region: str, errors: dict) -> Any:
    if not isinstance(value, dict):
        errors[key] = 'must be an object like {"host": "192.168.1.10", "port": 1883}'
        return value
    for extra in sorted(set(value) - set(MQTT_DEFAULTS)):
        errors[f"{key}.{extra}"] = f"unknown field; use {', '.join(MQTT_DEFAULTS)}"
    clean = {**MQTT_DEFAULTS, **value}
    clean["host"] = _host(f"{key}.host", clean["host"], errors)
    port = clean["port"]
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        errors[f"{key}.port"] = "must be a whole number from 1 to 65535 (usually 1883, or 8883 " \
                                "with TLS)"
    for name in ("username", "password"):
        text = clean[name] if clean[name] is not None else ""
        if not isinstance(text, str) or len(text) > 200:
            errors[f"{key}.{name}"] = "must be text of at most 200 characters"
        clean[name] = text
    if not isinstance(clean["tls"], bool):
        errors[f"{key}.tls"] = "must be true or false"
    for name in ("prefix", "discovery_prefix"):
        clean[name] = _topic(f"{key}.{name}", clean[name], errors)
    return clean


def check_webhooks(field, key: str, value: Any, region: str, errors: dict) -> Any:
    if not isinstance(value, list):
        errors[key] = 'must be a list like [{"url": "https://...", "secret": "...", ' \
                      '"events": ["missed_call"]}]'
        return value
    if len(value) > MAX_WEBHOOKS:
        errors[key] = f"has more than {MAX_WEBHOOKS} webhooks"
    cleaned, seen = [], set()
    for index, hook in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(hook, dict):
            errors[where] = 'must be an object like {"url": "https://...", "secret": "..."}'
            continue
        for extra in sorted(set(hook) - {"url", "secret", "events"}):
            errors[f"{where}.{extra}"] = "unknown field; use url, secret and events"
        url = _url(f"{where}.url", hook.get("url"), errors)
        if url in seen:
            errors[f"{where}.url"] = "is listed twice"
        seen.add(url)
        cleaned.append({"url": url, "secret": _secret(f"{where}.secret", hook.get("secret"),
                                                      errors),
                        "events": _events(f"{where}.events", hook.get("events"), errors)})
    return cleaned


CHECKS = {"mqtt": check_mqtt, "webhooks": check_webhooks}


def _without_shown(value: dict) -> dict:
    return {k: v for k, v in value.items() if k not in _SHOWN_ONLY}


def _host(where: str, value: Any, errors: dict) -> Any:
    if not isinstance(value, str):
        errors[where] = "must be text"
        return value
    value = value.strip()
    if value and ("://" in value or not _HOST.match(value)):
        errors[where] = "just the broker's name or address, like 192.168.1.10 or broker.local"
    return value


def _topic(where: str, value: Any, errors: dict) -> Any:
    if not isinstance(value, str) or not _TOPIC_LEVELS.match(value.strip()) \
            or len(value.strip()) > 100:
        errors[where] = "letters, digits, - and _ (levels split by /), like textback"
        return value
    return value.strip()


def _url(where: str, value: Any, errors: dict) -> Any:
    if not isinstance(value, str) or not value.strip():
        errors[where] = "give the address to post to, like https://example.com/hook"
        return value
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc \
            or any(c.isspace() for c in value) or len(value) > 500:
        errors[where] = "must be a web address starting with http:// or https://"
    return value


def _secret(where: str, value: Any, errors: dict) -> Any:
    if not isinstance(value, str) or len(value.strip()) < MIN_SECRET:
        errors[where] = f"give a secret of at least {MIN_SECRET} characters (the receiver " \
                        "checks the signature with it)"
        return value
    if len(value) > 200:
        errors[where] = "is longer than 200 characters"
    return value.strip()


def _events(where: str, value: Any, errors: dict) -> Any:
    if value is None:
        return list(EVENT_TYPES)
    if not isinstance(value, list) or not value:
        errors[where] = f"must be a list of event types: {', '.join(EVENT_TYPES)}"
        return value
    unknown = [v for v in value if v not in EVENT_TYPES]
    if unknown:
        errors[where] = f"unknown event type {unknown[0]!r}; use {', '.join(EVENT_TYPES)}"
        return value
    return [t for t in EVENT_TYPES if t in value]
