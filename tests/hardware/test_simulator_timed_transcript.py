"""The simulator's timed transcript (used by scripts/bench.py): the same chunks as `transcript`,
each with the monotonic time it was read from or written to the host."""
import time

from tests.hardware.simulator_support import make_sim  # noqa: F401  (fixture)


def test_timed_transcript_has_the_same_chunks_as_transcript(make_sim):
    sim, line = make_sim("sim800")
    line.send("AT+CSQ")
    line.expect(b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    timed = sim.timed_transcript
    assert [(direction, data) for _, direction, data in timed] == sim.transcript
    assert all(isinstance(at, float) for at, _, _ in timed)


def test_times_are_when_the_bytes_crossed_the_line(make_sim):
    sim, line = make_sim("ec25")
    before = time.monotonic()
    line.send("AT+CSQ")
    line.expect(b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    after = time.monotonic()
    received = [at for at, way, data in sim.timed_transcript if (way, data) == ("in", b"AT+CSQ\r")]
    answered = [at for at, way, data in sim.timed_transcript if way == "out" and b"+CSQ" in data]
    assert len(received) == 1 and len(answered) == 1
    assert before <= received[0] <= answered[0] <= after


def test_end_code_is_stamped_after_the_last_ring(make_sim):
    sim, line = make_sim("ec25")
    sim.ring("+12125550101", rings=2, interval=0.05)
    sim.wait_idle(5)
    timed = sim.timed_transcript
    rings = [at for at, way, data in timed if way == "out" and b"RING" in data]
    ends = [at for at, way, data in timed if way == "out" and b"NO CARRIER" in data]
    assert len(rings) == 2 and len(ends) == 1
    # The caller waits one ring interval after the last ring before giving up.
    assert ends[0] - rings[-1] >= 0.045
    assert rings[1] - rings[0] >= 0.045
