"""The process: the composition root that wires every part (bootstrap.py, with lifecycle.py
and timings.py), the command line (cli.py), demo mode, and the threads that watch the whole box
(monitor, watchdog, systemd, network watch).
"""
