"""The benchmark scripts run end to end in a reduced mode and print their results (what they
measure is not asserted: speed is the scripts' business, not the tests'). Each run gets its own
TMPDIR, so the test can check that no temporary folder and no daemon is left behind."""
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_script(name: str, tmp_path: Path, *args: str) -> str:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    done = subprocess.run([sys.executable, f"scripts/{name}", *args], cwd=REPO,
                          env={**os.environ, "TMPDIR": str(scratch)}, capture_output=True,
                          text=True, timeout=100)
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(scratch.iterdir()) == [], "temporary folders left behind"
    assert not _processes_mentioning(str(scratch)), "a process it started is still running"
    return done.stdout


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if entry.name.isdigit() and text in cmdline:
            found.append(cmdline)
    return found


def _row(output: str, first_cell: str) -> list[str]:
    rows = [line.split() for line in output.splitlines() if line.split()[:1] == [first_cell]]
    assert rows, f"no {first_cell!r} row in:\n{output}"
    return rows[0]


def test_bench_measures_latency_and_daemon_memory(tmp_path):
    figures = tmp_path / "bench.json"
    out = run_script("bench.py", tmp_path, "--calls", "3", "--dialects", "sim800",
                     "--memory-calls", "2", "--breakdown", "--json", str(figures))
    row = _row(out, "sim800")
    assert row[1:5] == ["code", "+CLCC", "production", "3"] and float(row[6]) > 0
    assert float(_row(out, "idle")[1]) > 0
    assert _row(out, "total")
    saved = json.loads(figures.read_text())
    assert saved["latency"][0]["calls"] == 3 and saved["latency"][0]["median_ms"] > 0
    assert saved["memory"]["samples"]["after 2 calls"]["VmRSS"] > 0


def test_bench_sorts_modems_by_how_their_calls_end(tmp_path):
    """A modem without end code or call list is measured after its ring gap; one without an
    end code but with a call list by AT+CLCC; both say how long they took to be ready."""
    out = run_script("bench.py", tmp_path, "--calls", "2", "--dialects", "nolist,plain",
                     "--no-memory")
    gap, listed = _row(out, "nolist"), _row(out, "plain")
    assert gap[1:3] == ["gap", "ring-gap"] and gap[7] == "gap"
    assert "ring gap (0.6 s here" in out
    assert listed[1:3] == ["list", "AT+CLCC"] and float(listed[5]) >= 0


def test_bench_pages_times_every_endpoint(tmp_path):
    out = run_script("bench_pages.py", tmp_path, "--days", "3", "--requests", "2")
    assert _row(out, "/api/status")[1] == "200"
    assert _row(out, "/api/stats?days=30")[1] == "200"
    assert float(_row(out, "/")[3]) > 0


def test_bench_store_reports_files_and_calls(tmp_path):
    out = run_script("bench_store.py", tmp_path, "--days", "3", "--repeat", "1")
    assert int(_row(out, "inbox.json")[1]) > 0
    assert any(line.startswith("contacts/") for line in out.splitlines())
    assert float(_row(out, "update_contact")[2]) >= 0


def test_bench_memory_measures_start_up_and_the_busy_steps(tmp_path):
    figures = tmp_path / "memory.json"
    out = run_script("bench_memory.py", tmp_path, "--busy", "--calls", "1", "--json",
                     str(figures))
    saved = json.loads(figures.read_text())
    assert 0 < saved["start_seconds"] < 60 and "Start-up to modem ready" in out
    assert saved["samples"]["after Results for a year"]["VmRSS"] > 0
    assert saved["samples"]["after 1 calls"]["VmRSS"] > 0


def test_bench_wear_counts_a_day_of_writes(tmp_path):
    figures = tmp_path / "wear.json"
    out = run_script("bench_wear.py", tmp_path, "--calls", "2", "--replies", "1",
                     "--answers", "1", "--days", "3", "--json", str(figures))
    saved = json.loads(figures.read_text())
    assert saved["texts"] == 2 + 2 + 3
    assert saved["day_write_bytes"] > 0 and saved["journal_bytes_per_day"] > 0
    assert "total per day" in out


def test_bench_mqtt_measures_event_latency_and_memory_with_mqtt_on(tmp_path):
    from tests.integrations.broker_support import mosquitto_path
    if mosquitto_path() is None and os.environ.get("CI") != "true":
        import pytest
        pytest.skip("mosquitto is not installed (scripts/system-packages.sh installs it)")
    figures = tmp_path / "mqtt.json"
    out = run_script("bench_mqtt.py", tmp_path, "--calls", "2", "--memory-calls", "0",
                     "--json", str(figures))
    saved = json.loads(figures.read_text())
    assert saved["latency"]["calls"] == 2 and saved["latency"]["max_ms"] < 10_000
    assert float(_row(out, "idle")[1]) == saved["memory"]["samples"]["idle"]["VmRSS"] > 0
