"""Login sessions kept on the box: started, checked, ended, expired, and kept across restarts
(a fresh LoginSessions on the same file is what a restart sees)."""
import json
import stat
from datetime import datetime, timedelta, timezone

from appliance.storage.sessions import IDLE, MAX_AGE, MOST_SESSIONS, TOUCH_EVERY, LoginSessions

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc)


def test_a_session_lives_until_it_is_ended(tmp_path):
    sessions = LoginSessions(tmp_path / "sessions")
    sid = sessions.start(NOW)
    assert sessions.check(sid, NOW) and not sessions.check("made-up", NOW)
    assert not sessions.check(None, NOW) and not sessions.check(["x"], NOW)
    sessions.end(sid)
    assert not sessions.check(sid, NOW)
    assert not LoginSessions(tmp_path / "sessions").check(sid, NOW)   # after a restart too


def test_the_file_is_private_and_holds_no_session_id(tmp_path):
    sessions = LoginSessions(tmp_path / "sessions")
    sid = sessions.start(NOW)
    path = tmp_path / "sessions"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sid not in path.read_text() and len(json.loads(path.read_text())) == 1


def test_idle_sessions_end_and_use_keeps_them_alive_across_restarts(tmp_path):
    sessions = LoginSessions(tmp_path / "sessions")
    busy, idle = sessions.start(NOW), sessions.start(NOW)
    later = NOW + IDLE - timedelta(minutes=1)
    assert sessions.check(busy, later)
    restarted = LoginSessions(tmp_path / "sessions")          # the use was saved (> TOUCH_EVERY)
    assert restarted.check(busy, later + IDLE - timedelta(minutes=1))
    assert not restarted.check(idle, NOW + IDLE)
    assert not restarted.check(busy, NOW + MAX_AGE)            # however busy: 30 days at most


def test_use_is_written_at_most_every_few_minutes(tmp_path):
    sessions = LoginSessions(tmp_path / "sessions")
    sid = sessions.start(NOW)
    path = tmp_path / "sessions"
    written = path.stat().st_mtime_ns, path.read_text()
    for seconds in range(0, int(TOUCH_EVERY.total_seconds()) - 1, 3):   # a page polling
        assert sessions.check(sid, NOW + timedelta(seconds=seconds))
    assert (path.stat().st_mtime_ns, path.read_text()) == written
    assert sessions.check(sid, NOW + TOUCH_EVERY)
    assert path.read_text() != written[1]


def test_a_password_change_ends_every_other_session(tmp_path):
    sessions = LoginSessions(tmp_path / "sessions")
    mine, other, third = (sessions.start(NOW) for _ in range(3))
    assert sessions.end_all(keep=mine) == 2
    assert sessions.check(mine, NOW)
    assert not sessions.check(other, NOW) and not sessions.check(third, NOW)
    assert sessions.end_all() == 1 and not sessions.check(mine, NOW)


def test_there_are_never_more_than_so_many(tmp_path):
    sessions = LoginSessions(tmp_path / "sessions")
    first = sessions.start(NOW)
    for minute in range(1, MOST_SESSIONS + 5):
        sessions.start(NOW + timedelta(minutes=minute))
    assert len(json.loads((tmp_path / "sessions").read_text())) == MOST_SESSIONS
    assert not sessions.check(first, NOW + timedelta(hours=2))   # the least recently used went


def test_a_damaged_file_ends_every_session_and_is_replaced(tmp_path):
    (tmp_path / "sessions").write_text("{not json")
    sessions = LoginSessions(tmp_path / "sessions")
    assert not sessions.check("anything", NOW)
    sid = sessions.start(NOW)
    assert LoginSessions(tmp_path / "sessions").check(sid, NOW)


def test_a_sessions_file_that_cannot_be_written_never_fails_a_login_or_a_check(tmp_path,
                                                                              caplog):
    folder = tmp_path / "data"
    folder.write_text("a file where the folder should be")   # every write fails (an OSError)
    sessions = LoginSessions(folder / "sessions")

    sid = sessions.start(NOW)                                  # logging in works...
    assert sessions.check(sid, NOW + TOUCH_EVERY)              # ...and so does every page
    assert sessions.check(sid, NOW + 2 * TOUCH_EVERY)
    assert caplog.text.count("cannot save the login sessions") == 1     # said once

    folder.unlink()
    folder.mkdir()                                             # room again
    assert sessions.check(sid, NOW + 3 * TOUCH_EVERY)          # saved at the next touch
    assert LoginSessions(folder / "sessions").check(sid, NOW + 3 * TOUCH_EVERY)
