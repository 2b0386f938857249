"""`python -m appliance <command>`: see appliance/cli.py."""
import sys

from appliance.cli import main

sys.exit(main())
