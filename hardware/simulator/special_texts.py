"""SMS-DELIVERs that are not a customer's words, built as networks send them (3GPP TS 23.040):

- "mms":  an MMS notification: WAP push (8-bit data, user data header IEI 0x05 with destination
          port 2948, source port 9200) carrying a WSP push header and an m-notification-ind
          (OMA MMS encapsulation) that names the picture's sender and the address to fetch it;
- "silent": a type 0 SMS (TP-PID 0x40), which a phone acknowledges and throws away unseen;
- "data": 8-bit data with no port (an over-the-air setting, an app's binary message);
- "voicemail": a voicemail notice: the special SMS indication (IEI 0x01, voice mail, count)
          and, with `dcs_indication=True`, the message-waiting coding group in TP-DCS too.

Each builder returns the TPDU (no SMSC prefix); delivery.py stores it like any other text.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from . import gsm7
from .sms_fields import encode_address, encode_timestamp

WAP_PUSH_PORT, WAP_SOURCE_PORT = 2948, 9200
KINDS = ("mms", "silent", "data", "voicemail")


def _deliver(sender: str, sender_type: Optional[int], sent_at: datetime, pid: int, dcs: int,
             header: bytes, body: bytes, septets: Optional[int] = None) -> bytes:
    """One SMS-DELIVER; `septets`: the GSM-7 body's length when the body is packed GSM-7."""
    first = 0x04 | (0x40 if header else 0)
    udh = bytes([len(header)]) + header if header else b""
    udl = len(udh) + len(body) if septets is None else -(-len(udh) * 8 // 7) + septets
    return (bytes([first]) + encode_address(sender, sender_type) + bytes([pid, dcs])
            + encode_timestamp(sent_at) + bytes([udl]) + udh + body)


def mms_notification(sender: str, sent_at: datetime, sender_type: Optional[int] = None,
                     picture_from: Optional[str] = None,
                     url: str = "http://mms.example.net/m/ab12") -> bytes:
    """A WAP push announcing a picture message from `picture_from` (the sender by default)."""
    origin = picture_from or sender
    headers = b"application/vnd.wap.mms-message\x00" + b"\xaf\x84"   # type, X-Wap-App-Id
    wsp = bytes([0x01, 0x06, len(headers)]) + headers         # transaction 1, push PDU
    mms = (b"\x8c\x82"                                  # X-Mms-Message-Type: notification-ind
           + b"\x98" + b"ab12\x00"                      # X-Mms-Transaction-Id
           + b"\x8d\x92"                                # X-Mms-MMS-Version 1.2
           + b"\x89" + bytes([len(origin) + 12, 0x80]) + origin.encode() + b"/TYPE=PLMN\x00"
           + b"\x8a\x80"                                # X-Mms-Message-Class: personal
           + b"\x8e\x02\x0b\x8a"                        # X-Mms-Message-Size
           + b"\x88\x05\x81\x03\x03\xf4\x80"            # X-Mms-Expiry: +259200 s
           + b"\x83" + url.encode() + b"\x00")          # X-Mms-Content-Location
    ports = bytes([0x05, 4]) + WAP_PUSH_PORT.to_bytes(2, "big") + \
        WAP_SOURCE_PORT.to_bytes(2, "big")
    return _deliver(sender, sender_type, sent_at, 0x00, 0x04, ports, wsp + mms)


def silent(sender: str, sent_at: datetime, sender_type: Optional[int] = None) -> bytes:
    """A type 0 SMS: TP-PID 0x40, an empty GSM-7 body."""
    return _deliver(sender, sender_type, sent_at, 0x40, 0x00, b"", b"", septets=0)


def data(sender: str, sent_at: datetime, sender_type: Optional[int] = None,
         payload: bytes = b"\x00\x01\x02\xfe\xff binary") -> bytes:
    """8-bit data with no application port."""
    return _deliver(sender, sender_type, sent_at, 0x00, 0x04, b"", payload)


def voicemail(sender: str, sent_at: datetime, sender_type: Optional[int] = None,
              count: int = 1, text: str = "You have a new voicemail. Call 123 to listen.",
              dcs_indication: bool = False) -> bytes:
    """A voicemail notice: special SMS indication (store, voice mail, `count` waiting) and a
    GSM-7 text; `dcs_indication` also sets TP-DCS to "message waiting, store, voicemail on"."""
    indication = bytes([0x01, 2, 0x80, count & 0xFF])
    septets = gsm7.encode(text)
    header_octets = len(indication) + 1
    fill = -(-header_octets * 8 // 7) * 7 - header_octets * 8
    dcs = 0xD8 if dcs_indication else 0x00
    return _deliver(sender, sender_type, sent_at, 0x00, dcs, indication,
                    gsm7.pack(septets, fill), septets=len(septets))


BUILDERS = {"mms": mms_notification, "silent": silent, "data": data, "voicemail": voicemail}
