"""Small test helpers: wait on a condition with a timeout instead of sleeping and hoping."""
import time


def wait_for(predicate, timeout=5.0, message="condition", interval=0.01):
    """Poll `predicate` until it returns something truthy; return that value or fail the test."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


class Clock:
    """A clock for the store and the box that tells the time the test sets: `clock.now = ...`."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now
