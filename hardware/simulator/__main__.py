"""A simulated modem for humans: `python -m hardware.simulator --dialect sim800 --link /tmp/modem`
then point the box (or `python -m appliance probe --port /tmp/modem`) at the link and type
commands on stdin to ring it, text it, reboot or unplug it. `help` lists the commands.
"""
from __future__ import annotations

import argparse
import logging
import select
import sys
from pathlib import Path

from .dialects import DIALECTS
from .modem import ModemSimulator

log = logging.getLogger(__name__)

HELP = """commands:
  ring <number> [rings] [interval]   a caller rings and gives up
  withheld [rings]                   a caller with a withheld number
  forwarded <number> [rings]         a forwarded call (+CSSU: 0 when AT+CSSN=0,1 was sent)
  text <number> <message ...>        a customer texts the box
  report <mr> [failed]               delivery report for the text with reference <mr>
  fail [n] [code]                    the next n sends answer +CMS ERROR: <code>
  swallow                            the next send gets no answer
  broken [memory]                    a broken stored entry (+CMGR: 0,,0 and no PDU)
  wipe-centre                        the SIM's SMS centre is gone (sends fail with 330)
  missed                             the module's own missed-call list (where it keeps one)
  inject <text>                      send <text> as an unsolicited line
  sent | storage                     what the box sent / what is stored
  reboot | unplug | replug | quit"""


def handle(sim: ModemSimulator, line: str, rings: int, interval: float) -> bool:
    """Run one typed command; False means quit."""
    words = line.split()
    if not words:
        return True
    verb, args = words[0].lower(), words[1:]
    if verb in ("quit", "exit"):
        return False
    if verb == "ring" and args:
        sim.ring(args[0], rings=int(args[1]) if len(args) > 1 else rings,
                 interval=float(args[2]) if len(args) > 2 else interval)
    elif verb == "withheld":
        sim.ring("", validity=1, rings=int(args[0]) if args else rings, interval=interval)
    elif verb == "forwarded" and args:
        sim.ring(args[0], rings=int(args[1]) if len(args) > 1 else rings, interval=interval,
                 forwarded=True)
    elif verb == "text" and len(args) >= 2:
        sim.receive_text(args[0], line.split(None, 2)[2])
    elif verb == "report" and args:
        sim.deliver_report(int(args[0]), delivered=not (len(args) > 1 and args[1] == "failed"))
    elif verb == "fail":
        sim.fail_next_sends(int(args[0]) if args else 1, int(args[1]) if len(args) > 1 else 500)
    elif verb == "swallow":
        sim.swallow_next_send()
    elif verb in ("broken", "wipe-centre", "missed"):
        _module_state(sim, verb, args)
    elif verb == "inject" and args:
        sim.inject(("\r\n" + line.split(None, 1)[1] + "\r\n").encode())
    elif verb == "sent":
        for item in sim.sent:
            print(f"mr {item.reference} to {item.number}: {item.text!r}"
                  f"{' (unconfirmed)' if item.unconfirmed else ''}")
    elif verb == "storage":
        for memory, slots in sim.storage.items():
            print(f"{memory}: {slots}")
    elif verb in ("reboot", "unplug", "replug"):
        getattr(sim, verb)()
    else:
        print(HELP)
    return True


def _module_state(sim: ModemSimulator, verb: str, args: list[str]) -> None:
    """broken [memory] | wipe-centre | missed"""
    if verb == "broken":
        print(f"broken entry at index {sim.store_unreadable(args[0] if args else 'SM')}")
    elif verb == "wipe-centre":
        sim.wipe_service_centre()
    else:
        for entry in sim.phonebook.entries("MC"):
            print(f"{entry.number} ({entry.number_type}) {entry.stamp()}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hardware.simulator", description=__doc__)
    parser.add_argument("--dialect", choices=sorted(DIALECTS), default="sim800")
    parser.add_argument("--link", type=Path, default=Path("/tmp/modem"),
                        help="symlink to create (the port to open)")
    parser.add_argument("--own-number", default="+15550000000")
    parser.add_argument("--sm-capacity", type=int, default=10)
    parser.add_argument("--rings", type=int, default=3, help="rings per call (default 3)")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between rings")
    parser.add_argument("--verbose", action="store_true", help="log every byte")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if options.verbose else logging.INFO,
                        format="%(asctime)s %(name)s: %(message)s")
    sim = ModemSimulator(options.dialect, options.link, options.own_number,
                         sm_capacity=options.sm_capacity).start()
    print(f"{options.dialect} modem at {sim.port}; type help", flush=True)
    try:
        while True:
            ready, _, _ = select.select([sys.stdin], [], [], 0.5)
            if not ready:
                continue
            line = sys.stdin.readline()
            if not line:
                break
            try:
                if not handle(sim, line.strip(), options.rings, options.interval):
                    break
            except (ValueError, RuntimeError) as exc:
                print(f"error: {exc}", flush=True)
            sys.stdout.flush()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
