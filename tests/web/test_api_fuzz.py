"""Hypothesis over the JSON API on a whole box (the real service and sender threads on the
modem simulator): any body (JSON or not), any number in the path, any query value gets an
answer below 500, and afterwards every thread of the box is alive and it still answers."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.app.lifecycle import checks
from appliance.core import settings as settings_module

# MQTT and webhooks are left out here (a valid one would make the box connect out); the
# validator's own test covers them.
NAMES = sorted(set(settings_module.FIELD_BY_NAME) - {"mqtt", "webhooks"})
SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats()
           | st.text(max_size=30) | st.sampled_from(["08:00", "2026-12-25", "+12125551234",
                                                     "(212) 555-0143", "%2B1", "..", "/"]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=6) | st.sampled_from(["text", "mon"]),
                                      inner, max_size=4), max_leaves=12)
BODIES = (st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=8), JSON, max_size=4)
          | JSON.map(lambda value: {"text": value}) | JSON)
REQUESTS = st.one_of(
    st.tuples(st.just("patch"), st.just("/api/settings"), BODIES),
    st.tuples(st.just("post"), st.sampled_from(["+12125551234", "2125551234", "abc", "+1",
                                                  "%2B447400123456", "+" + "9" * 40]).map(
        lambda number: f"/api/conversations/{number}/messages"), BODIES),
    st.tuples(st.just("get"), st.text(max_size=12).map(lambda n: f"/api/conversations/{n}"),
              st.none()),
    st.tuples(st.just("get"), st.sampled_from(["/api/calls?limit=", "/api/stats?days=",
                                               "/api/calls?format="]).flatmap(
        lambda path: st.text(max_size=10).map(lambda value: path + value)), st.none()))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(request=REQUESTS, raw=st.booleans())
def test_no_request_gets_a_500_or_kills_a_thread(appliance, api, request, raw):
    method, path, body = request
    if body is None:
        response = getattr(api, method)(path)
    elif raw:           # not JSON at all, or JSON sent as something else
        response = getattr(api, method)(path, data=json.dumps(body)[:-1] or "{",
                                        content_type="application/json")
    else:
        response = getattr(api, method)(path, json=body)
    assert response.status_code < 500, (method, path, body, response.get_data(as_text=True))
    assert all(alive() for alive in checks(appliance).values())
    assert api.get("/api/status").status_code == 200
