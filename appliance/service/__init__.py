"""The service thread (service.py), the one place where decisions are made and state changes,
and what it decides with: missed call -> text-back (textback.py), button and owner commands
(commands.py).
"""
