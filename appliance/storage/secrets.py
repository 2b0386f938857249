"""The API token, the admin password and the setup hotspot's key, each in its own small file in
the data folder.

Not in TinyDB on purpose: `python -m appliance token` and `password` run as separate processes
while the daemon runs, and TinyDB files must only ever be opened by the daemon. These files are
written atomically (temp file, fsync, rename, fsync folder) with mode 0600 from the first byte,
so a reader sees either the old or the new content and nobody else can read them.

    api-token   the bearer token for the JSON API, on one line; survives restarts until
                regenerated
    password    "scrypt$<n>$<r>$<p>$<salt>$<hash>" (base64); the password itself is never stored
    hotspot-key the setup hotspot's WPA2 key ("abcd-efgh-jkmn"), made once per box; printed on
                its label, shown on the Wi-Fi page and in the button's status text

A password must not be one of the most common ones (common_passwords.txt): those are what an
attacker on the shop Wi-Fi tries first.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import os
import re
import stat
import tempfile
from pathlib import Path
from random import SystemRandom
from typing import Optional

from appliance.core.domain import ValidationError
from appliance.storage.files import TEMP_SUFFIX, atomic_write, fsync_folder

log = logging.getLogger(__name__)

TOKEN_FILE = "api-token"
PASSWORD_FILE = "password"
HOTSPOT_KEY_FILE = "hotspot-key"
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
# Read off a label and typed on a phone: lower case, no 0/o, 1/l/i. 12 of 31 letters: 59 bits.
KEY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
KEY_GROUPS, KEY_GROUP = 3, 4
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}   # ~16 MiB and well under a second on a Raspberry Pi
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
_WPA_KEY = re.compile(r"^[ -~]{8,63}$")       # a WPA passphrase: 8-63 printable ASCII


def write_private(path: Path, text: str) -> None:
    """Atomically write `text` to `path`, readable by the owner only (0600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.encode("utf-8"), 0o600)


# --- API token -----------------------------------------------------------------------------

def read_token(data_dir: Path) -> Optional[str]:
    """The saved token, or None when there is none (or the file holds no usable token)."""
    return _read_line(Path(data_dir) / TOKEN_FILE, _TOKEN, "API token")


def get_or_create_token(data_dir: Path) -> str:
    """The token, creating one if there is none. Safe when two processes race to create it:
    the file is linked into place only if it does not exist yet, so both end with the same one."""
    return _get_or_create(Path(data_dir) / TOKEN_FILE, _TOKEN, _new_token, "API token")


def regenerate_token(data_dir: Path) -> str:
    """Replace the token with a new one (the old one stops working) and return it."""
    token = _new_token()
    write_private(Path(data_dir) / TOKEN_FILE, token + "\n")
    log.info("API token regenerated")
    return token


def _new_token() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode("ascii")


def _read_line(path: Path, valid: re.Pattern, what: str) -> Optional[str]:
    """The one line of a small secret file, or None (no file, unreadable, not `valid`)."""
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        log.error("cannot read the %s file: %s", what, error)
        return None
    return value if valid.match(value) else None


def _get_or_create(path: Path, valid: re.Pattern, make, what: str) -> str:
    """The secret in `path`, made with `make()` if there is none. Processes racing to make it
    all end with the same one; a file holding nothing usable is replaced."""
    value = _read_line(path, valid, what)
    if value:
        _keep_private(path)
        return value
    if not path.exists() and _create_exclusive(path, make() + "\n"):
        log.info("created a new %s", what)
    value = _read_line(path, valid, what)
    if value:
        return value
    log.warning("the %s file held nothing usable; writing a new one", what)
    value = make()
    write_private(path, value + "\n")
    return value


def _create_exclusive(path: Path, text: str) -> bool:
    """Write `text` to `path` only if it does not exist; False when someone else was first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)  # atomic, and fails if the file already exists
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: plain atomic write
            if path.exists():
                return False
            os.replace(temp, path)
        fsync_folder(path.parent)
        return True
    finally:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass


def _keep_private(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("%s was readable by others (mode %o); setting it to 0600", path, mode)
            os.chmod(path, 0o600)
    except OSError as error:
        log.warning("cannot check the mode of %s: %s", path, error)


# --- the setup hotspot's key ----------------------------------------------------------------

def hotspot_key(data_dir: Path) -> str:
    """The setup hotspot's WPA2 key, made (once, safely against a race) if there is none."""
    return _get_or_create(Path(data_dir) / HOTSPOT_KEY_FILE, _WPA_KEY, _new_hotspot_key,
                          "setup hotspot key")


def _new_hotspot_key() -> str:
    pick = SystemRandom().choice
    return "-".join("".join(pick(KEY_ALPHABET) for _ in range(KEY_GROUP))
                    for _ in range(KEY_GROUPS))


# --- admin password ------------------------------------------------------------------------

def common_password(password: str) -> bool:
    """One of the most used passwords (case does not matter)."""
    return password.strip().lower() in _common_passwords()


@functools.lru_cache(maxsize=1)
def _common_passwords() -> frozenset:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def set_password(data_dir: Path, password: str) -> None:
    """Save a new admin password (as a salted scrypt hash). Raises ValidationError."""
    if not isinstance(password, str):
        raise ValidationError({"password": "must be text"})
    if len(password) < MIN_PASSWORD:
        raise ValidationError({"password": f"must be at least {MIN_PASSWORD} characters"})
    if len(password) > MAX_PASSWORD:
        raise ValidationError({"password": f"must be at most {MAX_PASSWORD} characters"})
    if common_password(password):
        raise ValidationError({"password": "is one of the most common passwords, the first ones "
                                           "an attacker tries; choose another (a few unrelated "
                                           "words make a good one)"})
    salt = os.urandom(16)
    digest = _scrypt(password, salt, **SCRYPT)
    line = "$".join(["scrypt", str(SCRYPT["n"]), str(SCRYPT["r"]), str(SCRYPT["p"]),
                     _b64(salt), _b64(digest)])
    write_private(Path(data_dir) / PASSWORD_FILE, line + "\n")
    log.info("admin password set")


def check_password(data_dir: Path, password: str) -> bool:
    """True when `password` is the saved one (constant-time compare); False when none is set."""
    saved = _read_hash(data_dir)
    if saved is None or not isinstance(password, str) or len(password) > MAX_PASSWORD:
        return False
    (n, r, p), salt, digest = saved
    return hmac.compare_digest(_scrypt(password, salt, n=n, r=r, p=p), digest)


def password_is_set(data_dir: Path) -> bool:
    return _read_hash(data_dir) is not None


def _read_hash(data_dir: Path):
    try:
        line = (Path(data_dir) / PASSWORD_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        log.error("cannot read the password file: %s", error)
        return None
    parts = line.split("$")
    try:
        if len(parts) != 6 or parts[0] != "scrypt":
            raise ValueError("not an scrypt line")
        n, r, p = (int(x) for x in parts[1:4])
        if not (2 <= n <= 2 ** 17 and 1 <= r <= 16 and 1 <= p <= 4):
            raise ValueError("scrypt parameters out of range")
        return (n, r, p), base64.b64decode(parts[4], validate=True), \
            base64.b64decode(parts[5], validate=True)
    except ValueError as error:
        log.error("the password file is not usable (%s); set the password again", error)
        return None


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * r * n + 1024 * 1024, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
