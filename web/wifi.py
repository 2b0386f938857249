"""The Wi-Fi page, the first-plug-in setup flow on the box's hotspot, and captive-portal probes.

On the hotspot (started on first boot or by holding the button 10 s) the owner's phone opens
the setup page by itself: phones and laptops fetch a known "probe" URL to see whether they are
online, and while the hotspot is up every probe is answered with a redirect to /wifi/setup.
Off the hotspot the probes get their normal answers, so nothing else is disturbed.

Who may use it: a logged-in owner; without a login only a phone on the setup hotspot (WPA2, its
key is on the box's label) and only while no password is set at all. Once a password exists,
Wi-Fi changes need it, from anywhere (a forgotten one is reset from the hotspot: web/passwords.py).
SSIDs come from the air: attacker-controlled, always escaped.

/wifi/label is a printable label for the box: its name, the setup hotspot's name and key, and
where its page is.
"""
from __future__ import annotations

import functools
import ipaddress
import logging
from urllib.parse import urlsplit

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   url_for)

from appliance.core.domain import ValidationError
from web.auth import is_logged_in, login_required
from web.pagekit import box
from web.wifi_view import (as_dict, current, hotspot_address, is_enterprise, join_errors,
                           network_list, wifi_call)

log = logging.getLogger(__name__)

bp = Blueprint("wifi", __name__)

HOTSPOT_ADDRESS = "10.42.0.1"      # where NetworkManager's shared mode puts the box
PROBES = ("/generate_204", "/gen_204", "/hotspot-detect.html", "/library/test/success.html",
          "/ncsi.txt", "/connecttest.txt", "/redirect", "/canonical.html", "/success.txt")
APPLE_SUCCESS = "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>"
ENTERPRISE = ("This is an enterprise (802.1X) network: it needs a user name as well as a "
              "password, which the box doesn't support. Pick another network.")
FIREFOX_CANONICAL = ('<meta http-equiv="refresh" '
                     'content="0;url=https://support.mozilla.org/kb/captive-portal"/>')


def setting_up_without_password() -> bool:
    """A phone on the setup hotspot of a box that has no password yet (the first plug-in)."""
    return (box().wifi is not None and not box().password_is_set()
            and box().on_setup_hotspot(request.remote_addr))


def setup_access(view):
    """The owner logged in, or a phone on the setup hotspot while no password is set."""
    protected = login_required(view)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not is_logged_in() and setting_up_without_password():
            return view(*args, **kwargs)
        return protected(*args, **kwargs)
    return wrapper


def _page(setup: bool, status: int = 200, errors=None):
    wifi = box().wifi
    if wifi is None:
        return render_template("wifi/unmanaged.html"), status
    first_run = setup and box().first_run_allowed(request.remote_addr)
    now = current(wifi)
    key = box().hotspot_key() if is_logged_in() else None      # the owner's page only
    return render_template("wifi/index.html", setup=setup, networks=network_list(wifi, now),
                           now=now, hotspot=bool(now.get("hotspot")), first_run=first_run,
                           errors=errors or {}, hotspot_name=box().hotspot_name() if key else None,
                           hotspot_key=key), status


@bp.get("/wifi/")
@login_required
def index():
    return _page(setup=False)


@bp.get("/wifi/setup")
@setup_access
def setup():
    """Where the captive-portal probes send a phone that joined the setup hotspot."""
    return _page(setup=True)


def _back():
    return redirect(url_for(".setup" if request.form.get("setup") else ".index"))


@bp.post("/wifi/scan")
@setup_access
def scan():
    if box().wifi is None:
        abort(404)
    error = wifi_call(box().wifi.scan)
    if error:
        flash(f"Couldn't scan for networks: {error}", "error")
    return _back()


@bp.get("/wifi/join")
@setup_access
def join_form():
    """Step two: the password for the network picked (or typed, for a hidden network)."""
    if box().wifi is None:
        abort(404)
    ssid = request.args.get("ssid", "")
    return render_template("wifi/join.html", ssid=ssid, secure=request.args.get("open") != "1",
                           setup=bool(request.args.get("setup")), errors={},
                           enterprise=bool(ssid) and is_enterprise(box().wifi, ssid))


@bp.post("/wifi/join")
@setup_access
def join():
    """Join the network and answer with the success screen (its new address) at once: on the
    hotspot this response is the last thing the phone can get from the box (one radio)."""
    wifi = box().wifi
    if wifi is None:
        abort(404)
    ssid, psk = request.form.get("ssid", ""), request.form.get("psk", "")
    secure, setup_flow = request.form.get("open") != "1", bool(request.form.get("setup"))
    if not ssid.strip():
        errors = {"ssid": "Type the network's name."}
    elif is_enterprise(wifi, ssid):
        errors = {"ssid": ENTERPRISE}
    else:
        try:
            now = as_dict(wifi.connect(ssid, psk if secure else ""))
        except ValidationError as exc:
            errors = join_errors(exc.errors)
        else:
            return _joined(ssid, now, setup_flow)
    return render_template("wifi/join.html", ssid=ssid, secure=secure, setup=setup_flow,
                           errors=errors, enterprise=False), 400


def _joined(ssid: str, now: dict, setup_flow: bool):
    """The success screen: where to find the box now, and the text the owner will get."""
    ipv4 = [a for a in now.get("addresses") or [] if "." in a]
    log.info("joined Wi-Fi %r at %s", ssid, ipv4)
    return render_template("wifi/joined.html", ssid=now.get("ssid") or ssid, addresses=ipv4[:1],
                           owner_phone=box().settings().get("owner_phone") or "",
                           setup=setup_flow)


@bp.post("/wifi/forget")
@login_required
def forget():
    wifi = box().wifi
    if wifi is None:
        abort(404)
    name = request.form.get("name", "")
    error = wifi_call(lambda: wifi.forget(name))
    if error:
        flash(f"Couldn't forget {name}: {error}", "error")
    else:
        flash(f"Forgot {name}.", "success")
    return redirect(url_for(".index"))


@bp.post("/wifi/hotspot")
@login_required
def hotspot():
    """Start or stop the setup hotspot from the page (the button's 10 s hold does the same)."""
    wifi = box().wifi
    if wifi is None:
        abort(404)
    start = request.form.get("action") == "start"
    error = wifi_call(wifi.start_hotspot if start else wifi.stop_hotspot)
    if error:
        flash(f"Couldn't {'start' if start else 'stop'} the setup hotspot: {error}", "error")
    else:
        flash("Setup hotspot started." if start else "Setup hotspot stopped.", "success")
    return redirect(url_for(".index"))


@bp.get("/wifi/label")
@login_required
def label():
    """A label to print and stick on the box: what a phone needs to set it up, or to reset a
    forgotten password, while the owner is away from the page."""
    return render_template("wifi/label.html", hotspot_name=box().hotspot_name() or "TextBack-…",
                           hotspot_key=box().hotspot_key(), hotspot_address=HOTSPOT_ADDRESS,
                           addresses=[a for a in box().status().get("addresses") or []
                                      if a[:1].isdigit() and not a.startswith(("10.42.", "127."))
                                      ][:2])


# --- captive-portal probes --------------------------------------------------------------------

def _setup_url(address: str) -> str:
    """The setup page as the phone can reach it. A probe asks for someone else's host name
    (captive.apple.com ...), so the answer names the box by its hotspot address; when the
    request already came to an address or a .local name, a plain path is enough."""
    hostname = urlsplit("//" + request.host).hostname or ""
    if hostname == "localhost" or hostname.endswith(".local") or _is_address(hostname):
        return url_for(".setup")
    return f"http://{address}{url_for('.setup')}"


def _is_address(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def probe():
    """While the hotspot is up: send the phone to the setup page. Otherwise the usual answer."""
    wifi = box().wifi
    address = hotspot_address(wifi) if wifi is not None else None
    if address is not None:
        return redirect(_setup_url(address), 302)
    path = request.path
    if path in ("/generate_204", "/gen_204"):
        return Response(status=204)
    if path in ("/hotspot-detect.html", "/library/test/success.html"):
        return Response(APPLE_SUCCESS, mimetype="text/html")
    if path == "/ncsi.txt":
        return Response("Microsoft NCSI", mimetype="text/plain")
    if path == "/connecttest.txt":
        return Response("Microsoft Connect Test", mimetype="text/plain")
    if path == "/canonical.html":
        return Response(FIREFOX_CANONICAL, mimetype="text/html")
    if path == "/success.txt":
        return Response("success\n", mimetype="text/plain")
    return redirect(url_for("home.index"))   # /redirect: Windows opens it to show a portal


for _path in PROBES:
    bp.add_url_rule(_path, f"probe{_path.replace('/', '_').replace('.', '_')}", probe)
