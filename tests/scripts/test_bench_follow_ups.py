"""The follow-up benchmark runs end to end in a reduced mode and prints its figures."""
from tests.scripts.test_benchmarks import run_script


def test_bench_follow_ups_times_the_check(tmp_path):
    out = run_script("bench_follow_ups.py", tmp_path, "--days", "3", "--repeat", "1")
    assert "texts planned" in out
    assert float(out.split("the usual minute): ")[1].split(" ms")[0]) >= 0
    assert float(out.split("looked up and decided: ")[1].split(" ms")[0]) >= 0
