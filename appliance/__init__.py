"""TextBack Box: a Raspberry Pi with a SIM modem that texts back the calls a shop missed.

The layers are the folders (docs/ARCHITECTURE.md); `python -m appliance` is the command line.
"""

VERSION = "1.0.0"
