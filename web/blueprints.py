"""The list of blueprint modules the app factory registers, in order. Each module defines `bp`."""

BLUEPRINT_MODULES = (
    "web.auth",        # login, logout
    "web.passwords",   # first-run password, forgotten password, change password
    "web.api",         # JSON API (bearer token)
    "web.api_conversations",   # JSON API: start a conversation, mark booked, events, consent
    "web.live",        # what the page's own scripts poll (/live/..., the session's login)
    "web.home",        # health at a glance, today's numbers
    "web.outreach",    # New text (before conversations: /conversations/new), From the network
    "web.conversations",
    "web.calls",
    "web.results",
    "web.messages",    # message editor, live counter, preview, send me a test
    "web.schedule",    # hours, holidays, away
    "web.settings",    # settings, token, ring handling
    "web.connections",  # MQTT (Home Assistant) and webhooks, linked from Settings
    "web.setup",       # SIM number, forwarding codes, guided test call, demo simulator panel
    "web.voicemail",   # the box SIM's own voicemail: ask the network, switch it off
    "web.api_voicemail",  # ... and the same in the JSON API (bearer token)
    "web.wifi",        # Wi-Fi page, setup hotspot flow, captive-portal probes
)
