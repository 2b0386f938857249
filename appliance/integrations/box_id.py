"""The box's stable id: made once, kept in the data folder, shown in /api/status.

Several boxes on one MQTT broker (two vans, a second line) are told apart by it: it names their
topic trees (`textback/<box_id>/...`) and their Home Assistant devices. Like the API token it is
a small file of its own (written atomically, mode 0600), so it survives restarts and upgrades.
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from appliance.storage.files import atomic_write

log = logging.getLogger(__name__)

BOX_ID_FILE = "box-id"
_BOX_ID = re.compile(r"^[0-9a-f]{12}$")


def read_box_id(data_dir: Path):
    """The saved id, or None when there is none (or the file holds no usable id)."""
    try:
        text = (Path(data_dir) / BOX_ID_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        log.error("cannot read the box id file: %s", error)
        return None
    return text if _BOX_ID.match(text) else None


def get_or_create_box_id(data_dir: Path) -> str:
    """The box id, made (12 lowercase hex digits) the first time it is asked for."""
    found = read_box_id(data_dir)
    if found:
        return found
    path = Path(data_dir) / BOX_ID_FILE
    if path.exists():
        log.warning("the box id file held no usable id; making a new one (Home Assistant will "
                    "show this box as a new device)")
    box_id = os.urandom(6).hex()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, (box_id + "\n").encode("ascii"), 0o600)
    log.info("this box's id is %s", box_id)
    return box_id
