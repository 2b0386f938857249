"""The pure core: domain types and the shop's rules.

Every function here takes `now` (and whatever else it needs) as arguments and returns a decision;
nothing reads a clock, a file, the modem or the network. Besides the standard library only pure
libraries are used: `phonenumbers` (numbers.py, settings_checks.py) and `holidays`
(holiday_prefill.py). tests/test_import_rules.py keeps it that way.
"""
