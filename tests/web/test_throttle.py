"""Login rate limiting, driven by explicit monotonic times (no sleeping)."""
import threading

from web.throttle import LoginThrottle


def test_five_tries_block_the_sixth_until_the_window_passes():
    throttle = LoginThrottle(max_failures=5, window=300)
    for second in range(5):
        assert throttle.attempt("10.0.0.2", 100 + second) is None
    wait = throttle.attempt("10.0.0.2", 110)
    assert wait is not None and 290 <= wait <= 300
    assert throttle.retry_after("10.0.0.2", 110) == wait
    assert throttle.attempt("10.0.0.2", 401) is None   # the first try has aged out


def test_a_refused_try_is_not_counted():
    throttle = LoginThrottle(max_failures=1, window=60)
    assert throttle.attempt("10.0.0.2", 0) is None
    for second in range(1, 50):
        assert throttle.attempt("10.0.0.2", second) is not None
    assert throttle.attempt("10.0.0.2", 61) is None     # refusals did not extend the window


def test_other_addresses_are_not_blocked():
    throttle = LoginThrottle(max_failures=2, window=60)
    throttle.attempt("10.0.0.2", 0)
    throttle.attempt("10.0.0.2", 1)
    assert throttle.retry_after("10.0.0.2", 2) is not None
    assert throttle.attempt("10.0.0.3", 2) is None


def test_a_success_forgets_the_tries():
    throttle = LoginThrottle(max_failures=2, window=60)
    throttle.attempt("10.0.0.2", 0)
    throttle.succeeded("10.0.0.2")
    throttle.attempt("10.0.0.2", 1)
    assert throttle.retry_after("10.0.0.2", 2) is None


def test_tries_started_at_once_are_counted_before_any_check():
    throttle = LoginThrottle(max_failures=5, window=300)
    start, allowed = threading.Barrier(40), []

    def one_try():
        start.wait()
        if throttle.attempt("10.0.0.2", 1.0) is None:
            allowed.append(1)
    threads = [threading.Thread(target=one_try) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(allowed) == 5


def test_an_attacker_changing_address_meets_the_box_wide_ceiling():
    throttle = LoginThrottle(max_failures=5, window=300, box_limit=30, box_window=60)
    allowed = [throttle.attempt(f"192.168.1.{n}", 10 + n * 0.1) is None for n in range(40)]
    assert allowed.count(True) == 30 and all(allowed[:30])
    wait = throttle.attempt("192.168.1.200", 15)            # a new address waits as well
    assert wait is not None and 54 <= wait <= 60
    assert throttle.retry_after("192.168.1.200", 15) == wait
    assert throttle.attempt("192.168.1.200", 70.01) is None  # the first try aged out


def test_the_box_wide_ceiling_counts_refused_tries_not_at_all():
    throttle = LoginThrottle(max_failures=1, window=300, box_limit=3, box_window=60)
    assert throttle.attempt("10.0.0.2", 0) is None
    for second in range(1, 20):                              # refused per address
        assert throttle.attempt("10.0.0.2", second) is not None
    assert throttle.attempt("10.0.0.3", 20) is None and throttle.attempt("10.0.0.4", 21) is None
    assert throttle.attempt("10.0.0.5", 22) is not None      # 3 real checks: the ceiling
