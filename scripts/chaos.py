"""Chaos run: a seeded random stream of missed calls, texts in (single and multipart) and owner
replies, with kill -9 of the daemon at random moments (some right after a call ends, some right
after a new-text code, some while a caller rings: the caller gives up while the box is down),
modem unplug/replug, modem reboots and junk bytes on the line. At the end every missed call is
checked against what the simulated modem was really asked to send (AT+CMGS), and every text
sent to the box against what the box stored:

    lost        missed calls never texted back, texts in never stored, owner replies
                never sent (a text the modem did not confirm counts as sent)
    duplicated  callers texted back more than once, texts stored more than once,
                owner replies sent more than once

The simulated modem lives in this process and keeps its SIM texts and its missed-call list
across the daemon's deaths; the daemon is `python -m appliance run` in a process of its own
(`--fast`: the same box with the tests' short timers). Every caller is a different number, so
each missed call must be texted exactly once (a text the box could not confirm counts as
texted: the modem got it; it must never be sent again). Exits 1 when anything is lost or
duplicated, the SIM is not empty or the box is not ready at the end.

    .venv/bin/python scripts/chaos.py --events 500 --seed 1
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from chaos_daemon import Daemon  # noqa: E402
from chaos_events import EVENTS, Run  # noqa: E402
from hardware.simulator import ModemSimulator  # noqa: E402

SETTINGS = {"auto_texts_per_hour": 1000, "auto_texts_per_day": 10000}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dialect", default="plain",
                        help="simulated modem (one that keeps a missed-call list)")
    parser.add_argument("--fast", action="store_true", help="the tests' short timers")
    options = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="chaos-"))
    started = time.monotonic()
    sim = ModemSimulator(options.dialect, link_path=folder / "modem", sm_capacity=40,
                         me_capacity=40).start()
    daemon = Daemon(folder / "data", sim.port, options.fast, folder / "daemon.log")
    try:
        run = Run(random.Random(options.seed), sim, daemon)
        daemon.start()
        daemon.api("PATCH", "/api/settings", SETTINGS)
        for _ in range(options.events):
            run.step()
        figures = run.finish()
    except Exception:
        print(f"chaos run failed; the daemon's log: {folder / 'daemon.log'}", file=sys.stderr)
        raise
    finally:
        daemon.kill()
        sim.stop()
    figures["seconds"] = round(time.monotonic() - started, 1)
    print(report(options, figures))
    if not ok(figures):
        print(f"kept for a look: {folder} (daemon.log, data/)")
        return 1
    shutil.rmtree(folder, ignore_errors=True)
    return 0


def ok(figures: dict) -> bool:
    return (figures["lost"] == figures["duplicated"] == figures["crashes"] == 0
            and figures["sim_left"] == 0 and figures["ready"])


def report(options, f: dict) -> str:
    kinds = ", ".join(f"{name} {f['counts'].get(name, 0)}" for name in EVENTS)
    return (f"chaos: seed {options.seed}, {options.events} events ({kinds})\n"
            f"kills {f['kills']}, missed calls {f['calls']} (texted exactly once "
            f"{f['texted_once']}, of them unconfirmed {f['unconfirmed']}), texts in "
            f"{f['texts_in']}, owner replies {f['replies']}\n"
            f"lost {f['lost']}, duplicated {f['duplicated']}, crashes {f['crashes']}, "
            f"left on the SIM {f['sim_left']}, ready {f['ready']}, {f['seconds']} s"
            + "".join(f"\n  {line}" for line in f["problems"]))


if __name__ == "__main__":
    sys.exit(main())
