"""`python -m appliance <command>`: see appliance/app/cli.py."""
import sys

from appliance.app.cli import main

sys.exit(main())
