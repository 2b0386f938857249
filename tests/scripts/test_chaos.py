"""The chaos run (scripts/chaos.py), short and seeded: missed calls, texts in (single and
multipart) and owner replies, with kill -9 of a real daemon process right after a call ends,
right after a new-text code and while a caller rings, modem unplug/replug and reboot, and junk
on the line. The script itself counts what the simulated modem was asked to send and what the
box stored, and fails on anything lost or duplicated; this checks its verdict and figures."""
import re

from tests.scripts.test_benchmarks import run_script


def test_a_short_seeded_chaos_run_loses_nothing_and_duplicates_nothing(tmp_path):
    out = run_script("chaos.py", tmp_path, "--events", "36", "--seed", "74", "--fast")
    kinds = dict(re.findall(r"(\w+) (\d+)[,)]", out.splitlines()[0].split("events (")[1]))
    assert len(kinds) == 10 and all(int(n) >= 1 for n in kinds.values()), out   # every kind
    figures = dict(re.findall(r"(kills|lost|duplicated|crashes|left on the SIM) (\d+)", out))
    assert figures == {"kills": figures["kills"], "lost": "0", "duplicated": "0",
                       "crashes": "0", "left on the SIM": "0"}, out
    assert int(figures["kills"]) >= 6, out            # the seed kills the daemon several times
    assert "ready True" in out
    missed = re.search(r"missed calls (\d+) \(texted exactly once (\d+)", out)
    assert missed and int(missed.group(1)) >= 5 and missed.group(1) == missed.group(2), out
