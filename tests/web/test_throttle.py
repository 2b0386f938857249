"""Login rate limiting, driven by explicit monotonic times (no sleeping)."""
from web.throttle import LoginThrottle


def test_five_failures_block_the_sixth_try_until_the_window_passes():
    throttle = LoginThrottle(max_failures=5, window=300)
    for second in range(5):
        assert throttle.retry_after("10.0.0.2", 100 + second) is None
        throttle.failed("10.0.0.2", 100 + second)
    wait = throttle.retry_after("10.0.0.2", 110)
    assert wait is not None and 290 <= wait <= 300
    assert throttle.retry_after("10.0.0.2", 401) is None   # the first failure has aged out


def test_other_addresses_are_not_blocked():
    throttle = LoginThrottle(max_failures=2, window=60)
    throttle.failed("10.0.0.2", 0)
    throttle.failed("10.0.0.2", 1)
    assert throttle.retry_after("10.0.0.2", 2) is not None
    assert throttle.retry_after("10.0.0.3", 2) is None


def test_a_success_forgets_the_failures():
    throttle = LoginThrottle(max_failures=2, window=60)
    throttle.failed("10.0.0.2", 0)
    throttle.succeeded("10.0.0.2")
    throttle.failed("10.0.0.2", 1)
    assert throttle.retry_after("10.0.0.2", 2) is None
