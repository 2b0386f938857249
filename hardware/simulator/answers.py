"""AT command lines in, framed answers out: splitting `AT...` into commands, their arguments,
and the result shapes the handlers return (information lines, a final code, a `> ` prompt,
unsolicited codes to follow).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

CRLF = "\r\n"
_BASIC = re.compile(r"(&[A-Z]|[A-Z])(\d*)")


@dataclass
class Command:
    """One command of a line: name ("+CMGS", "^CURC", "E", "H", "" for bare AT), op."""
    name: str
    op: str = "exec"            # exec | read (?) | test (=?) | set (=...)
    raw: str = ""               # argument text after '=' (or the digits of a basic command)

    @property
    def args(self) -> list[str]:
        """Arguments split on commas outside quotes, quotes removed."""
        out, current, quoted = [], [], False
        for ch in self.raw:
            if ch == '"':
                quoted = not quoted
            elif ch == "," and not quoted:
                out.append("".join(current).strip())
                current = []
            else:
                current.append(ch)
        out.append("".join(current).strip())
        return out if self.raw else []

    def int_arg(self, position: int, default: Optional[int] = None) -> Optional[int]:
        """The argument at `position` as an int (default when missing); ValueError if not one."""
        args = self.args
        if position >= len(args) or args[position] == "":
            return default
        return int(args[position])


@dataclass
class Answer:
    """What a command produced. final None: no final code (a swallowed send)."""
    lines: list[str] = field(default_factory=list)
    final: Optional[str] = "OK"
    prompt: object = None        # a PendingSend when the command opens the `> ` prompt
    after: list[str] = field(default_factory=list)   # unsolicited codes after the final code

    @classmethod
    def error(cls, final: str = "ERROR") -> "Answer":
        return cls(final=final)


def split_line(line: str) -> list[Command]:
    """`ATE0+CMEE=1;+CLIP=1` -> commands. ValueError when it is not an AT line."""
    if not line[:2].upper() == "AT":
        raise ValueError("not an AT command")
    body, commands = line[2:].strip(), []
    while body and body[0] not in "+^*$#%":
        match = _BASIC.match(body.upper())
        if not match:
            raise ValueError(f"bad basic command {body!r}")
        commands.append(Command(match.group(1), "exec", match.group(2)))
        body = body[match.end():].lstrip(";")
    for piece in _split_outside_quotes(body, ";"):
        if piece:
            commands.append(_extended(piece))
    return commands or [Command("")]


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    pieces, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == separator and not quoted:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [p.strip() for p in pieces]


def _extended(piece: str) -> Command:
    match = re.match(r"([+^*$#%][A-Za-z0-9_]+)(=\?|\?|=)?(.*)", piece, re.S)
    if not match:
        raise ValueError(f"bad command {piece!r}")
    name, sign, rest = match.group(1).upper(), match.group(2), match.group(3)
    op = {None: "exec", "?": "read", "=?": "test", "=": "set"}[sign]
    return Command(name, op, rest.strip() if op == "set" else "")


def frame(text: str, tail: str = CRLF, indent: str = "") -> bytes:
    """One code as a modem frames it: CR LF <text> CR LF (some firmware: CR CR LF, and
    spaces in front)."""
    return (CRLF + indent + text + tail).encode("latin-1", errors="replace")


def frame_lines(lines: list[str], end: str = CRLF, indent: str = "") -> bytes:
    """Information lines of one answer: one leading CR LF, each line ends CR LF."""
    if not lines:
        return b""
    return (CRLF + "".join(indent + line + end for line in lines)).encode("latin-1",
                                                                           errors="replace")


@dataclass
class PendingSend:
    """An AT+CMGS whose `> ` prompt is open: PDU mode has `length`, text mode `number`."""
    length: Optional[int] = None
    number: Optional[str] = None
    number_type: Optional[int] = None
    inject: Optional[bytes] = None
    buffer: bytearray = field(default_factory=bytearray)
