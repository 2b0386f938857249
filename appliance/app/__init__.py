"""The process: the composition root that wires every part (main.py), the command line (cli.py),
demo mode, and the threads that watch the whole box (monitor, watchdog, systemd, network watch).
"""
