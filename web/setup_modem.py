"""The Setup page's modem section: what start-up learnt about the modem, in the shop's words.

Pure: takes the facade's modem profile (Box.modem_profile) and returns the lines the template
shows: which modem, how an abandoned call is noticed, how new texts are found, what start-up
had to work around (quirks), the step that keeps it from being ready, and lines the box does
not know (for the installer to send in).
"""
from __future__ import annotations

NOTICED = {
    "code": ("ok", "At once: the modem says when a caller hangs up."),
    "list": ("ok", "Within about a second: while a call rings the box asks the modem which "
                   "calls are still there (AT+CLCC)."),
    "gap": ("warn", "About 8 seconds after the last ring: this modem says nothing when a "
                    "caller hangs up and cannot list its calls."),
}


def modem_view(profile: dict) -> dict:
    """Phrases and flags for the template; `known` is False until start-up has run."""
    known = bool(profile.get("model") or profile.get("manufacturer"))
    how = "code" if profile.get("reports_call_end") else \
        "list" if profile.get("call_list") else "gap"
    tone, noticed = NOTICED[how]
    texts = ("The modem announces each new text." if profile.get("new_message_mode") else
             "The modem does not announce new texts: the box looks for them every 30 seconds.")
    return {"known": known,
            "name": " ".join(p for p in (profile.get("manufacturer"), profile.get("model")) if p),
            "firmware": profile.get("firmware"), "family": profile.get("family") or "unknown",
            "noticed": noticed, "noticed_tone": tone, "texts": texts,
            "smsc": profile.get("smsc"), "blocking": profile.get("blocking"),
            "state": profile.get("state"), "quirks": profile.get("quirks") or [],
            "unknown_lines": profile.get("unknown_lines") or []}
