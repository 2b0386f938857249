"""Hypothesis over the settings validator: whatever a client sends as a settings change (any
JSON: right names with wrong shapes, unknown names, nesting, huge numbers, odd text), it either
gives the merged settings or a ValidationError naming fields; nothing else escapes, and what it
accepts is accepted again (a saved setting never becomes unloadable)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.core import settings as settings_module
from appliance.core.domain import ValidationError

NAMES = sorted(settings_module.FIELD_BY_NAME)
SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40)
           | st.sampled_from(["08:00", "17:00", "24:00", "2026-12-25", "+12125551234",
                              "07700 900123", "Europe/London", "US", "GB", "", " "]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5)
                    | st.dictionaries(st.text(max_size=8) | st.sampled_from(
                        ["mon", "sat", "host", "url", "on", "until", "business_hours"]),
                        inner, max_size=5), max_leaves=20)
PATCHES = st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=12), JSON, max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patch=PATCHES | JSON)
def test_any_settings_change_is_merged_or_refused_with_named_fields(patch):
    current = settings_module.defaults()
    try:
        merged = settings_module.validate_patch(current, patch)
    except ValidationError as error:
        assert error.errors and all(isinstance(k, str) and isinstance(v, str)
                                    for k, v in error.errors.items())
        return
    again = settings_module.validate_patch(merged, {k: merged[k] for k in patch})
    assert settings_module.load(again) == settings_module.load(merged)
