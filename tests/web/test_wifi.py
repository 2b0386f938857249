"""The Wi-Fi page and the setup flow on the hotspot, against recorded nmcli output."""
import re
import shutil
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.hardware.recorded_nmcli import (HOTSPOT_UP, RECORDINGS, ChangingNmcli,
                                           RecordedNmcli, hotspot_add, hotspot_secret)
from tests.helpers import wait_for
from tests.web.conftest import PASSWORD, ShopClient

SHOP_UUID = "5f0c3b7e-6a2d-4c11-9d0e-2f6a1b7c8d90"
HOTSPOT_UUID = "c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f"
NMCLI = "nmcli"
DEVICES = [NMCLI, "-t", "-f", "DEVICE,TYPE,STATE,CONNECTION", "device", "status"]
ACTIVE = [NMCLI, "-t", "-f", "NAME,UUID,TYPE,DEVICE", "connection", "show", "--active"]
PROFILES = [NMCLI, "-t", "-f", "NAME,UUID,TYPE", "connection", "show"]
RESCAN = [NMCLI, "device", "wifi", "rescan"]
LIST = [NMCLI, "-t", "-f", "IN-USE,BSSID,SSID,CHAN,SIGNAL,SECURITY", "device", "wifi", "list",
        "--rescan", "no"]
ADDRESSES = [NMCLI, "-t", "-f", "IP4.ADDRESS,IP6.ADDRESS", "device", "show", "wlan0"]
HWADDR = [NMCLI, "-t", "-f", "GENERAL.HWADDR", "device", "show", "wlan0"]
CONNECT_SHOP = [NMCLI, "--wait", "45", "device", "wifi", "connect", "Shop WiFi",
                "password", "correct horse", "ifname", "wlan0"]
SETUP_CLIENT = {"REMOTE_ADDR": "10.42.0.23"}        # a phone on the box's setup hotspot
PROBES = ("/generate_204", "/gen_204", "/hotspot-detect.html", "/library/test/success.html",
          "/ncsi.txt", "/connecttest.txt", "/redirect", "/canonical.html", "/success.txt")

# A scan with SSIDs an attacker nearby could broadcast (nmcli's terse escaping of ':' applies).
HOSTILE_SCAN = """# written by the web test: SSIDs are attacker-controlled
exit: 0
--- stdout
*:DC\\:A6\\:32\\:01\\:02\\:03:Shop WiFi:6:87:WPA2
 :F0\\:9F\\:C2\\:10\\:20\\:40:<script>alert(1)</script>:1:60:WPA2
 :F0\\:9F\\:C2\\:10\\:20\\:41:"><img src=x onerror=alert(2)>:1:50:
--- stderr
"""


def profile(uuid):
    return [NMCLI, "-t", "-f", "802-11-wireless.ssid,802-11-wireless.mode",
            "connection", "show", "uuid", uuid]


@pytest.fixture
def nmcli(tmp_path):
    folder = tmp_path / "recordings"
    shutil.copytree(RECORDINGS, folder)
    (folder / "scan-list-hostile.txt").write_text(HOSTILE_SCAN, encoding="utf-8")
    runner = RecordedNmcli(folder)
    runner.on(RESCAN, "rescan-ok").on(LIST, "scan-list-odd-ssids").on(HWADDR, "hwaddr")
    connected_scene(runner)
    return runner


def connected_scene(runner):
    runner.on(DEVICES, "devices-connected").on(ACTIVE, "active-connected")
    runner.on(profile(SHOP_UUID), "profile-shop").on(ADDRESSES, "addresses")


def hotspot_scene(runner):
    runner.on(DEVICES, "devices-hotspot").on(ACTIVE, "active-hotspot")
    runner.on(profile(HOTSPOT_UUID), "profile-hotspot").on(ADDRESSES, "addresses-hotspot")


@pytest.fixture
def world(nmcli):
    return ChangingNmcli(nmcli)


@pytest.fixture
def wifi_box(tmp_path, world):
    from hardware.wifi import Wifi
    from tests.web.shop_box import shop_box
    adapter = Wifi(world)
    adapter.scan()                       # the last scan the page lists
    the_box = shop_box(tmp_path / "data", wifi=adapter)
    yield the_box
    the_box.store.close()


@pytest.fixture
def wifi_app(wifi_box):
    from web import create_app
    app = create_app(wifi_box, {"TESTING": True})
    app.test_client_class = ShopClient
    return app


@pytest.fixture
def owner(wifi_app, wifi_box):
    """The owner, logged in, on the shop network."""
    wifi_box.set_password(PASSWORD)
    test_client = wifi_app.test_client()
    assert test_client.post("/login", data={"password": PASSWORD}).status_code == 302
    return test_client


@pytest.fixture
def phone(wifi_app):
    """A phone that joined the setup hotspot: not logged in."""
    test_client = wifi_app.test_client()
    test_client.environ_base.update(SETUP_CLIENT)
    return test_client


def join_links(html):
    return [unescape(link) for link in re.findall(r'href="(/wifi/join\?[^"]*)"', html)]


def network_names(html):
    return [re.sub(r"&#3[49];", lambda m: {"&#34;": '"', "&#39;": "'"}[m.group(0)], name)
            for name in re.findall(r'data-testid="network" data-ssid="([^"]*)"', html)]


# --- the Wi-Fi page (owner logged in) ---------------------------------------------------------------

def test_page_lists_networks_with_signal_and_lock(owner):
    html = owner.get("/wifi/").get_data(as_text=True)
    assert 'data-testid="wifi-state">Connected<' in html
    assert 'data-testid="wifi-ssid">Shop WiFi<' in html and "192.168.1.50" in html
    names = network_names(html)
    assert names[0] == "Shop WiFi"                       # the one in use first
    assert "Joe's:Cafe" in names and "Café Ünïcødé ☕" in names and ":::" in names
    assert len(names) == 11                              # the hidden network is not listed
    rows = dict(re.findall(r'data-ssid="([^"]*)">\s*(.*?)</li>', html, re.S))
    assert 'data-bars="4"' in rows["Shop WiFi"] and "Connected" in rows["Shop WiFi"]
    assert 'aria-label="Needs a password"' in rows["Guest"]
    assert "open" in rows["FreeNet"] and 'aria-label="Needs a password"' not in rows["FreeNet"]
    assert 'data-testid="join"' not in rows["Corp"]
    assert 'aria-label="Needs a password"' in rows["Corp"]          # 802.1X is locked, not open
    assert "enterprise (not supported)" in rows["Corp"] and ">open<" not in rows["Corp"]
    assert 'class="net-name ssid">  two  spaces <' in rows["  two  spaces "]   # spaces kept


def test_an_enterprise_network_is_not_offered_a_passphrase(owner, nmcli):
    form = owner.get("/wifi/join?ssid=Corp").get_data(as_text=True)
    assert 'data-testid="enterprise-card"' in form and 'name="psk"' not in form
    nmcli.clear_calls()
    response = owner.post("/wifi/join", data={"ssid": "Corp", "psk": "whatever123"})
    assert response.status_code == 400
    assert re.search(r'data-testid="error-ssid">[^<]*enterprise', response.get_data(as_text=True))
    assert nmcli.calls_to("connect") == []


def test_join_link_carries_odd_ssids_intact(owner):
    html = owner.get("/wifi/").get_data(as_text=True)
    links = join_links(html)
    pages = [owner.get(link).get_data(as_text=True) for link in links]
    values = [re.search(r'id="join-ssid" name="ssid" value="([^"]*)"', p).group(1) for p in pages]
    assert "Joe&#39;s:Cafe" in values and "Back\\slash\\Net" in values and "  two  spaces " in values
    open_page = pages[[i for i, link in enumerate(links) if "FreeNet" in link][0]]
    assert 'name="psk"' not in open_page and 'name="open" value="1"' in open_page


def test_hostile_ssids_are_inert(owner, wifi_box, nmcli):
    nmcli.on(LIST, "scan-list-hostile")
    assert owner.post("/wifi/scan", data={}).status_code == 302
    html = owner.get("/wifi/").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    page = owner.get("/wifi/join", query_string={"ssid": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in page.get_data(as_text=True)


def test_join_a_network(owner, nmcli):
    nmcli.on(CONNECT_SHOP, "connect-ok")
    response = owner.post("/wifi/join", data={"ssid": "Shop WiFi", "psk": "correct horse"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="joined"' in html and "http://192.168.1.50/" in html
    assert "http://textback.local/" in html
    assert nmcli.calls_to("connect", "Shop WiFi") == [CONNECT_SHOP]


def test_wrong_password_is_shown_on_the_password_field(owner, nmcli):
    nmcli.on(CONNECT_SHOP, "connect-secrets")
    response = owner.post("/wifi/join", data={"ssid": "Shop WiFi", "psk": "correct horse"})
    assert response.status_code == 400
    error = re.search(r'data-testid="error-psk">([^<]*)<', response.get_data(as_text=True))
    assert error and "password was not accepted" in error.group(1)


def test_bad_input_is_refused_before_nmcli_runs(owner, nmcli):
    nmcli.clear_calls()
    response = owner.post("/wifi/join", data={"ssid": "Shop WiFi", "psk": "short"})
    assert response.status_code == 400 and "8 to 63 characters" in response.get_data(as_text=True)
    response = owner.post("/wifi/join", data={"ssid": "x" * 33, "psk": "long enough"})
    assert response.status_code == 400
    assert re.search(r'data-testid="error-ssid">[^<]*32 bytes', response.get_data(as_text=True))
    response = owner.post("/wifi/join", data={"ssid": " ", "psk": "long enough"})
    assert response.status_code == 400
    assert nmcli.calls_to("connect") == []


def test_hidden_network_typed_by_hand(owner, nmcli):
    hidden = [NMCLI, "--wait", "45", "device", "wifi", "connect", "Back Office",
              "password", "letmein99", "ifname", "wlan0", "hidden", "yes"]
    nmcli.on(hidden, "connect-ok")
    form = owner.get("/wifi/join?ssid=Back+Office").get_data(as_text=True)
    assert 'value="Back Office"' in form and 'name="psk"' in form
    response = owner.post("/wifi/join", data={"ssid": "Back Office", "psk": "letmein99"})
    assert response.status_code == 200
    assert nmcli.calls_to("connect", "Back Office") == [hidden]


def test_forget_a_network(owner, nmcli):
    nmcli.on(PROFILES, "profiles").on(profile("7a1e9c44-0b3f-4f6e-a1d2-3c4b5a697887"), "profile-joes")
    nmcli.on(profile("3b9d2f10-5e6a-4b7c-8d9e-0f1a2b3c4d5e"), "profile-joes-1")
    delete = [NMCLI, "connection", "delete", "uuid", SHOP_UUID]
    nmcli.on(delete, "delete-joes-ok")
    response = owner.post("/wifi/forget", data={"name": "Shop WiFi"})
    assert response.status_code == 302
    assert nmcli.calls_to("delete", "uuid") == [delete]
    assert "Forgot Shop WiFi." in owner.get("/wifi/").get_data(as_text=True)


def test_forget_an_unknown_network_says_so(owner, nmcli):
    nmcli.on(PROFILES, "profiles").on(profile("7a1e9c44-0b3f-4f6e-a1d2-3c4b5a697887"), "profile-joes")
    nmcli.on(profile("3b9d2f10-5e6a-4b7c-8d9e-0f1a2b3c4d5e"), "profile-joes-1")
    owner.post("/wifi/forget", data={"name": "Nowhere"})
    assert "No saved network called Nowhere" in owner.get("/wifi/").get_data(as_text=True)


def test_stop_the_hotspot(owner, nmcli):
    hotspot_scene(nmcli)
    nmcli.on([NMCLI, "connection", "delete", "id", "textback-hotspot"], "delete-hotspot-ok")
    html = owner.get("/wifi/").get_data(as_text=True)
    assert 'data-testid="wifi-state">Setup hotspot is on<' in html
    assert owner.post("/wifi/hotspot", data={"action": "stop"}).status_code == 302
    assert nmcli.calls_to("delete", "id", "textback-hotspot")


def hotspot_routes(runner):
    runner.on([NMCLI, "connection", "delete", "id", "textback-hotspot"], "delete-hotspot-unknown")
    runner.on(hotspot_add(), "hotspot-add-ok")
    runner.on(HOTSPOT_UP, "connection-up-ok")


def test_start_the_hotspot(owner, wifi_box, nmcli):
    key = wifi_box.hotspot_key()
    hotspot_routes(nmcli)
    assert owner.post("/wifi/hotspot", data={"action": "start"}).status_code == 302
    assert nmcli.calls_to("connection", "add") == [hotspot_add()]
    assert nmcli.secrets_to("connection", "up") == [hotspot_secret(key)]
    assert "Setup hotspot started." in owner.get("/wifi/").get_data(as_text=True)


def test_forms_need_csrf(owner, nmcli):
    nmcli.on(CONNECT_SHOP, "connect-ok")
    nmcli.clear_calls()
    response = owner.post("/wifi/join", data={"ssid": "Shop WiFi", "psk": "correct horse"},
                          csrf=False)
    assert response.status_code == 400
    assert owner.post("/wifi/forget", data={"name": "Shop WiFi"}, csrf=False).status_code == 400
    assert nmcli.calls_to("connect") == [] and nmcli.calls_to("delete") == []


def test_off_the_hotspot_the_page_needs_login(wifi_app):
    anon = wifi_app.test_client()
    for path in ("/wifi/", "/wifi/setup", "/wifi/join?ssid=x"):
        response = anon.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the setup flow on the hotspot -------------------------------------------------------------------

def test_probes_send_a_hotspot_phone_to_the_setup_page(phone, nmcli):
    hotspot_scene(nmcli)
    for path in PROBES:
        response = phone.get(path, headers={"Host": "captive.apple.com"})
        assert response.status_code == 302, path
        assert response.headers["Location"] == "http://10.42.0.1/wifi/setup", path
    response = phone.get("/generate_204", headers={"Host": "10.42.0.1"})   # already at the box
    assert response.status_code == 302 and response.headers["Location"] == "/wifi/setup"


def test_setup_flow_on_the_hotspot(phone, wifi_box, nmcli, world):
    hotspot_scene(nmcli)
    html = phone.get("/wifi/setup").get_data(as_text=True)
    assert 'data-testid="setup-intro"' in html and "Shop WiFi" in network_names(html)
    assert 'data-testid="first-run-link"' in html and 'href="/first-run"' in html
    assert 'data-testid="hotspot-card"' not in html          # no hotspot switch for the phone
    link = [link for link in join_links(html) if parse_qs(urlsplit(link).query)["ssid"] == ["Shop WiFi"]]
    form = phone.get(link[0]).get_data(as_text=True)
    assert 'name="setup" value="1"' in form and 'name="psk"' in form
    # nmcli connect takes the hotspot down; afterwards the box is on the shop network
    nmcli.on(CONNECT_SHOP, "connect-ok")
    world.after[tuple(CONNECT_SHOP)] = connected_scene
    wifi_box.update_settings({"owner_phone": "+12025550199"})
    response = phone.post("/wifi/join", data={"ssid": "Shop WiFi", "psk": "correct horse",
                                              "setup": "1", "csrf_token": phone.csrf_token()})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "http://textback.local/" in html and "http://192.168.1.50/" in html
    assert 'data-testid="owner-text-note"' in html and "+12025550199" in html
    assert nmcli.calls_to("connect", "Shop WiFi") == [CONNECT_SHOP]


def test_setup_page_is_not_open_to_other_addresses(wifi_app, nmcli, phone):
    hotspot_scene(nmcli)
    stranger = wifi_app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "192.168.1.77"
    response = stranger.get("/wifi/setup")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # A proxy header is not an address: the box trusts only the TCP peer.
    response = stranger.get("/wifi/setup", headers={"X-Forwarded-For": "10.42.0.5",
                                                    "X-Real-IP": "10.42.0.5"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # A shop network numbered in 10.42.x.x is not the hotspot: only the hotspot's own network
    # (10.42.0.1/24, as nmcli reports the box's address on it) is.
    lan = wifi_app.test_client()
    lan.environ_base["REMOTE_ADDR"] = "10.42.7.20"
    response = lan.get("/wifi/setup")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert phone.get("/wifi/setup").status_code == 200          # 10.42.0.23 is on it


def test_a_burst_of_probes_asks_nmcli_once(phone, nmcli):
    # A phone that joins fetches several probe URLs at once, unauthenticated: the hotspot's
    # state is read once and kept for a couple of seconds, not one nmcli run per request.
    hotspot_scene(nmcli)
    nmcli.clear_calls()
    for path in PROBES:
        assert phone.get(path, headers={"Host": "captive.apple.com"}).status_code == 302
    assert len(nmcli.calls_to("--active")) == 1 and len(nmcli.calls) == 2


def test_probes_answer_normally_off_the_hotspot(wifi_app):
    anon = wifi_app.test_client()
    assert anon.get("/generate_204").status_code == 204
    assert anon.get("/gen_204").status_code == 204
    for path in ("/hotspot-detect.html", "/library/test/success.html"):
        response = anon.get(path)
        assert response.status_code == 200 and "<BODY>Success</BODY>" in response.get_data(as_text=True)
    assert anon.get("/ncsi.txt").get_data(as_text=True) == "Microsoft NCSI"
    assert anon.get("/connecttest.txt").get_data(as_text=True) == "Microsoft Connect Test"
    assert anon.get("/success.txt").get_data(as_text=True) == "success\n"
    assert "captive-portal" in anon.get("/canonical.html").get_data(as_text=True)
    assert anon.get("/redirect").status_code == 302


def test_without_wifi_control_the_page_says_the_os_manages_it(client):
    html = client.get("/wifi/").get_data(as_text=True)
    assert 'data-testid="wifi-unmanaged"' in html
    assert client.get("/generate_204").status_code == 204
    assert client.post("/wifi/join", data={"ssid": "x", "psk": "12345678"}).status_code == 404
