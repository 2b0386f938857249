"""Hypothesis over the PDU decoder: whatever bytes or text a modem hands over as a PDU, the
decoder answers with a text, a report or PduError (the caller keeps such a PDU raw), nothing
else."""
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.core.domain import DeliveryReport, IncomingText
from hardware import pdu


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=180))
def test_no_bytes_make_the_decoder_raise_anything_but_pdu_error(data):
    """Fuzzed PDUs: a text, a report, or PduError (kept raw by the caller); nothing else."""
    try:
        decoded = pdu.decode(data.hex())
    except pdu.PduError:
        return
    assert isinstance(decoded, (IncomingText, DeliveryReport))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_no_text_makes_the_decoder_raise_anything_but_pdu_error(text):
    try:
        pdu.decode(text)
    except pdu.PduError:
        pass
