"""The command line: run, demo, password, token, probe (the contract in README.md)."""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import secrets as _random
import signal
import sys
import threading
from pathlib import Path

DEFAULT_DATA = "/var/lib/textback"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m appliance",
                                     description="TextBack Box: texts back every missed call.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the box on a real modem")
    run.add_argument("--port", default=os.environ.get("TEXTBACK_PORT"),
                     help="modem AT port, e.g. /dev/textback-modem (env TEXTBACK_PORT)")
    run.add_argument("--baud", type=int, default=115200)
    run.add_argument("--rtscts", action="store_true", help="hardware flow control (5-wire UART)")
    _data(run, os.environ.get("TEXTBACK_DATA", DEFAULT_DATA))
    run.add_argument("--listen", default=os.environ.get("TEXTBACK_LISTEN", "0.0.0.0:80"),
                     help="HOST:PORT for the page (env TEXTBACK_LISTEN)")
    _gpio_options(run)

    demo = sub.add_parser("demo", help="run the box on the built-in modem simulator")
    _data(demo, "demo-data")
    demo.add_argument("--listen", default="127.0.0.1:8080")
    demo.add_argument("--modem", default="sim800",
                      choices=["sim800", "sim7600", "ec25", "huawei", "silent", "plain",
                               "noclip", "firstclip", "vendorend", "nofinal", "nocnmi", "crlf",
                               "busyboot", "nolist"])

    password = sub.add_parser("password", help="set the admin password (stdin when piped)")
    _data(password, os.environ.get("TEXTBACK_DATA", DEFAULT_DATA))

    token = sub.add_parser("token", help="print the API token, creating one if needed")
    _data(token, os.environ.get("TEXTBACK_DATA", DEFAULT_DATA))
    token.add_argument("--regenerate", action="store_true", help="replace it with a new one")

    probe = sub.add_parser("probe", help="check a real modem and report what it can do")
    probe.add_argument("--port", required=True)
    probe.add_argument("--baud", type=int, default=115200)
    probe.add_argument("--transcript", type=Path, help="save the AT transcript to this file")
    probe.add_argument("--call-test", type=float, nargs="?", const=120.0, metavar="SECONDS",
                       help="then wait for a test call (default 120 s): call the box's SIM "
                            "from another phone, let it ring, hang up before it is answered")
    return parser


def _data(parser, default: str) -> None:
    parser.add_argument("--data", type=Path, default=Path(default),
                        help=f"data folder (default {default})")


def _gpio_options(parser) -> None:
    parser.add_argument("--led-pin", type=int, default=17, help="status LED (BCM), default 17")
    parser.add_argument("--unread-pin", type=int, default=27,
                        help="unread-replies LED (BCM), default 27; -1 for none")
    parser.add_argument("--button-pin", type=int, default=22, help="button (BCM), default 22")
    parser.add_argument("--no-gpio", action="store_true", help="no status light or button")


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("TEXTBACK_LOG", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return {"run": cmd_run, "demo": cmd_demo, "password": cmd_password, "token": cmd_token,
            "probe": cmd_probe}[args.command](args)


def _fail(message: str) -> int:
    print(f"textback: {message}", file=sys.stderr)
    return 2


def cmd_run(args) -> int:
    from appliance.app import host
    from appliance.app.bootstrap import Options, bootstrap
    if not args.port:
        return _fail("no modem port: give --port or set TEXTBACK_PORT")
    problem = host.preflight(args.data, args.port, args.baud, args.listen)
    if problem:
        return _fail(problem)
    options = Options(data_dir=args.data, port=args.port, baud=args.baud, rtscts=args.rtscts,
                      listen=args.listen, led_pin=args.led_pin,
                      unread_pin=None if args.unread_pin < 0 else args.unread_pin,
                      button_pin=args.button_pin, gpio=not args.no_gpio,
                      wifi=host.default_wifi())
    return _serve(bootstrap(options), f"TextBack Box running; page on {args.listen}")


def cmd_demo(args) -> int:
    from appliance.app import host
    from appliance.app.bootstrap import Options, bootstrap
    problem = host.preflight(args.data, None, 0, args.listen)
    if problem:
        return _fail(problem)
    appliance = bootstrap(Options(data_dir=args.data, demo=True, dialect=args.modem,
                                  listen=args.listen, gpio=False))
    password = _demo_password(appliance.box, args.data)
    host, _, port = args.listen.rpartition(":")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "") else host
    return _serve(appliance, f"TextBack Box demo ({args.modem} simulator)\n"
                  f"  Open  http://{shown}:{port}/\n"
                  f"  Log in with the password: {password}\n"
                  "  Ring the box or text it from the Setup page's simulator panel.\n"
                  "  Ctrl-C to stop.")


def _demo_password(box, data: Path) -> str:
    """Demo only: a random password, kept beside the demo data so the next start shows it."""
    path = data / "demo-password"
    if path.exists() and box.password_is_set():
        return path.read_text().strip()
    password = _random.token_urlsafe(9)
    box.set_password(password)
    from appliance.storage.secrets import write_private
    write_private(path, password)
    return password


def _serve(appliance, banner: str) -> int:
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    appliance.start()
    print(banner, flush=True)
    try:
        done.wait()
    finally:
        appliance.stop()
    return 0


def cmd_password(args) -> int:
    from appliance.storage import secrets
    from appliance.core.domain import ValidationError
    if sys.stdin.isatty():
        first = getpass.getpass("New admin password: ")
        if first != getpass.getpass("Again: "):
            return _fail("the two passwords differ; nothing changed")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    try:
        args.data.mkdir(parents=True, exist_ok=True)
        secrets.set_password(args.data, first)
    except ValidationError as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"cannot write to {args.data}: {error.strerror}")
    print("Password set.")
    return 0


def cmd_token(args) -> int:
    from appliance.storage import secrets
    try:
        args.data.mkdir(parents=True, exist_ok=True)
        token = (secrets.regenerate_token(args.data) if args.regenerate
                 else secrets.get_or_create_token(args.data))
    except OSError as error:
        return _fail(f"cannot use {args.data}: {error.strerror}")
    print(token)
    return 0


def cmd_probe(args) -> int:
    from appliance.app import host
    try:
        if args.call_test:
            print(f"After the modem check: call the box's SIM within {args.call_test:g} s, let "
                  "it ring a few times, then hang up.", flush=True)
        print(host.run_probe(args.port, args.baud, args.transcript, args.call_test))
    except OSError as error:
        return _fail(f"cannot open {args.port}: {error}")
    return 0
