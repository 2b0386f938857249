"""API token and admin password files: modes, atomic writes, restarts, racing processes."""
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from appliance.storage import files as storage
from appliance.storage import secrets
from appliance.core.domain import ValidationError
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[3]


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_token_is_created_once_private_and_kept(tmp_path):
    assert secrets.read_token(tmp_path) is None

    token = secrets.get_or_create_token(tmp_path)

    path = tmp_path / "api-token"
    assert path.read_text() == token + "\n"
    assert mode(path) == 0o600
    assert len(token) >= 32 and token.replace("-", "").replace("_", "").isalnum()
    assert secrets.get_or_create_token(tmp_path) == token   # "restart": read from the file
    assert secrets.read_token(tmp_path) == token


def test_regenerating_replaces_the_token(tmp_path):
    old = secrets.get_or_create_token(tmp_path)

    new = secrets.regenerate_token(tmp_path)

    assert new != old
    assert secrets.get_or_create_token(tmp_path) == new
    assert mode(tmp_path / "api-token") == 0o600


def test_processes_racing_to_create_the_token_all_get_the_same_one(tmp_path):
    data, flags = tmp_path / "data", tmp_path / "flags"
    flags.mkdir()
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from appliance.storage import secrets
        flags = Path({str(flags)!r})
        (flags / sys.argv[1]).touch()
        deadline = time.monotonic() + 20
        while not (flags / "go").exists() and time.monotonic() < deadline:
            pass   # spin: all processes start creating at the same moment
        print(secrets.get_or_create_token({str(data)!r}))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, f"ready-{n}"],
                              stdout=subprocess.PIPE, text=True) for n in range(6)]
    wait_for(lambda: len(list(flags.glob("ready-*"))) == 6, timeout=20,
             message="all processes ready")
    (flags / "go").touch()
    tokens = {p.communicate(timeout=30)[0].strip() for p in procs}

    assert len(tokens) == 1
    assert secrets.read_token(data) in tokens


def test_an_unusable_token_file_is_replaced(tmp_path):
    (tmp_path / "api-token").write_text("\n")
    assert secrets.read_token(tmp_path) is None

    token = secrets.get_or_create_token(tmp_path)

    assert token and secrets.read_token(tmp_path) == token


def test_a_token_file_readable_by_others_is_made_private(tmp_path):
    token = secrets.get_or_create_token(tmp_path)
    os.chmod(tmp_path / "api-token", 0o644)

    assert secrets.get_or_create_token(tmp_path) == token
    assert mode(tmp_path / "api-token") == 0o600


def test_a_password_is_stored_as_a_salted_hash(tmp_path):
    assert not secrets.password_is_set(tmp_path)
    assert not secrets.check_password(tmp_path, "anything at all")

    secrets.set_password(tmp_path, "correct horse")

    path = tmp_path / "password"
    assert mode(path) == 0o600
    assert "correct horse" not in path.read_text()
    assert path.read_text().startswith("scrypt$")
    assert secrets.password_is_set(tmp_path)
    assert secrets.check_password(tmp_path, "correct horse")
    assert not secrets.check_password(tmp_path, "correct horsE")
    assert not secrets.check_password(tmp_path, None)


def test_the_same_password_twice_gives_a_different_hash(tmp_path):
    secrets.set_password(tmp_path, "correct horse")
    first = (tmp_path / "password").read_text()
    secrets.set_password(tmp_path, "correct horse")
    assert (tmp_path / "password").read_text() != first
    assert secrets.check_password(tmp_path, "correct horse")


@pytest.mark.parametrize("password, message", [
    ("short", "must be at least 8 characters"),
    ("", "must be at least 8 characters"),
    (12345678, "must be text"),
    ("x" * 1025, "must be at most 1024 characters"),
    ("Password1", "is one of the most common passwords, the first ones an attacker tries; "
                  "choose another (a few unrelated words make a good one)"),
    ("  qwertyuiop ", "is one of the most common passwords, the first ones an attacker tries; "
                      "choose another (a few unrelated words make a good one)"),
])
def test_bad_passwords_are_refused_and_nothing_is_saved(tmp_path, password, message):
    with pytest.raises(ValidationError) as caught:
        secrets.set_password(tmp_path, password)
    assert caught.value.errors == {"password": message}
    assert not (tmp_path / "password").exists()


def test_changing_the_password_replaces_the_old_one(tmp_path):
    secrets.set_password(tmp_path, "first password")
    secrets.set_password(tmp_path, "second password")
    assert secrets.check_password(tmp_path, "second password")
    assert not secrets.check_password(tmp_path, "first password")


def test_a_damaged_password_file_means_no_password(tmp_path):
    (tmp_path / "password").write_text("scrypt$16384$8$1$not-base64!$x\n")
    assert not secrets.password_is_set(tmp_path)
    assert not secrets.check_password(tmp_path, "whatever it was")


def test_a_failed_write_keeps_the_old_password(tmp_path, monkeypatch):
    secrets.set_password(tmp_path, "old password")

    def power_cut(src, dst):
        raise OSError("power cut")
    monkeypatch.setattr(storage.os, "replace", power_cut)
    with pytest.raises(OSError):
        secrets.set_password(tmp_path, "new password")
    monkeypatch.undo()

    assert secrets.check_password(tmp_path, "old password")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["password"]


def test_write_private_is_owner_only(tmp_path):
    secrets.write_private(tmp_path / "sub" / "session-key", "abc")
    assert (tmp_path / "sub" / "session-key").read_text() == "abc"
    assert mode(tmp_path / "sub" / "session-key") == 0o600


def test_the_common_password_list_is_a_few_hundred_long_ones():
    listed = secrets._common_passwords()
    assert 300 <= len(listed) <= 2000
    assert all(len(p) >= secrets.MIN_PASSWORD and p == p.lower() for p in listed)
    assert {"password", "iloveyou", "12345678", "raspberry", "textback"} <= listed
    assert not secrets.common_password("correct horse battery")


def test_the_hotspot_key_is_made_once_private_and_typeable(tmp_path):
    key = secrets.hotspot_key(tmp_path)
    assert key == secrets.hotspot_key(tmp_path)               # kept: a restart reads it
    assert (tmp_path / "hotspot-key").read_text() == key + "\n"
    assert mode(tmp_path / "hotspot-key") == 0o600
    groups = key.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(secrets.KEY_ALPHABET)
    assert not set(key) & set("01lio")                          # nothing to misread
    other = tmp_path / "other"
    assert secrets.hotspot_key(other) != key                    # per box


def test_an_unusable_hotspot_key_file_is_replaced(tmp_path):
    (tmp_path / "hotspot-key").write_text("short\n")
    key = secrets.hotspot_key(tmp_path)
    assert key != "short" and 8 <= len(key) <= 63
    assert secrets.hotspot_key(tmp_path) == key
