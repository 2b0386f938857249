"""GSM-7 / UCS-2 analysis: table cases plus property tests against an independent count."""
import pytest
from hypothesis import given, settings, strategies as st

from appliance.core.segments import analyse, parts, plain_punctuation

# 3GPP TS 23.038 default alphabet, typed row by row as printed in the spec (row = high nibble),
# so a slip in the module's table shows up here. "\x1b" (escape) is not a character of ours.
SPEC_ROWS = [
    "@£$¥èéùìòÇ\nØø\rÅå",
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ",
    " !\"#¤%&'()*+,-./",
    "0123456789:;<=>?",
    "¡ABCDEFGHIJKLMNO",
    "PQRSTUVWXYZÄÖÑÜ§",
    "¿abcdefghijklmno",
    "pqrstuvwxyzäöñüà",
]
SPEC_CODES = {ch: row * 16 + col
              for row, line in enumerate(SPEC_ROWS) for col, ch in enumerate(line)
              if ch != "\x1b"}
SPEC_EXTENSION = {"\x0c": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C,
                  "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65}


def test_spec_table_is_complete():
    assert all(len(row) == 16 for row in SPEC_ROWS)
    assert len(SPEC_CODES) == 127


def gsm7_septets(text):
    """Encode to a list of septet values (escape pairs as 0x1B, code)."""
    out = []
    for ch in text:
        if ch in SPEC_CODES:
            out.append(SPEC_CODES[ch])
        else:
            out.extend([0x1B, SPEC_EXTENSION[ch]])
    return out


def chunk_count(units, single, part, is_lead):
    """Cut a unit sequence into parts; a part may not end on a lead unit (escape / high
    surrogate), which then moves to the next part."""
    if len(units) <= single:
        return 1 if units else 0
    count, pos = 0, 0
    while pos < len(units):
        end = min(pos + part, len(units))
        if end < len(units) and is_lead(units[end - 1]):
            end -= 1
        pos, count = end, count + 1
    return count


def expected(text):
    if all(ch in SPEC_CODES or ch in SPEC_EXTENSION for ch in text):
        septets = gsm7_septets(text)
        # an escape followed by its code: mark each 0x1B that starts a pair (no part may end on one)
        leads = [False] * len(septets)
        i = 0
        while i < len(septets):
            if septets[i] == 0x1B:
                leads[i] = True
                i += 2
            else:
                i += 1
        indexed = list(range(len(septets)))
        return "GSM-7", len(septets), chunk_count(indexed, 160, 153, lambda k: leads[k])
    data = text.encode("utf-16-le")
    units = [int.from_bytes(data[k:k + 2], "little") for k in range(0, len(data), 2)]
    return "UCS-2", len(data) // 2, chunk_count(units, 70, 67, lambda u: 0xD800 <= u <= 0xDBFF)


GSM_CHARS = [ch for ch in SPEC_CODES] + list(SPEC_EXTENSION)
gsm_text = st.text(alphabet=st.sampled_from(GSM_CHARS), max_size=700)
UCS2_CHARS = ["’", "—", "😀", "👍", "🏽", "é"]
any_text = st.text(alphabet=st.one_of(st.sampled_from(GSM_CHARS + UCS2_CHARS),
                                      st.characters(exclude_categories=("Cs",))), max_size=400)
# Filler up to just before a part boundary, then two-unit characters: where splitting goes wrong.
near_boundary = st.builds(
    lambda filler, n, tail: filler * n + tail,
    st.sampled_from(["a", "€", "é", "😀"]),
    st.sampled_from([60, 65, 66, 67, 68, 70, 71, 130, 133, 134, 135, 150, 152, 153, 154, 159, 160,
                     161, 300, 305, 306, 307]),
    st.text(alphabet=st.sampled_from(["€", "{", "a", "😀", "—", "x"]), max_size=20),
)
texts = st.one_of(gsm_text, any_text, near_boundary)


def short_id(value):
    """Readable test ids for long generated strings."""
    if isinstance(value, str) and len(value) > 20:
        return f"{value[:8]!r}..{len(value)}ch"
    return None


@settings(max_examples=300, deadline=None)
@given(texts)
def test_counts_match_an_independent_count(text):
    encoding, units, segments = expected(text)
    result = analyse(text)
    assert (result.encoding, result.units, result.segments) == (encoding, units, segments)
    assert result.characters == len(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_parts_rebuild_the_text_and_fit(text):
    pieces = parts(text)
    result = analyse(text)
    assert "".join(pieces) == text
    assert len(pieces) == result.segments
    for piece in pieces:
        if result.encoding == "GSM-7":
            size = len(gsm7_septets(piece))
        else:
            size = len(piece.encode("utf-16-le")) // 2
        assert size <= result.per_segment


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_plain_punctuation_is_idempotent_and_keeps_letters(text):
    once = plain_punctuation(text)
    assert plain_punctuation(once) == once
    assert [c for c in once if c.isalpha()] == [c for c in text if c.isalpha()]


@pytest.mark.parametrize("text, encoding, units, segments, per_segment", [
    ("", "GSM-7", 0, 0, 160),
    ("Hey", "GSM-7", 3, 1, 160),
    ("a" * 160, "GSM-7", 160, 1, 160),
    ("a" * 161, "GSM-7", 161, 2, 153),
    ("a" * 306, "GSM-7", 306, 2, 153),
    ("a" * 307, "GSM-7", 307, 3, 153),
    ("€" * 80, "GSM-7", 160, 1, 160),
    ("€" * 81, "GSM-7", 162, 2, 153),
    ("{}[]~^\\|\x0c€", "GSM-7", 20, 1, 160),
    # 152 plain + one € would straddle the 153 boundary: the pair moves whole to part 2
    ("a" * 152 + "€" + "a" * 10, "GSM-7", 164, 2, 153),
    ("a" * 152 + "€" * 77, "GSM-7", 306, 3, 153),
    ("a" * 153 + "€" * 76, "GSM-7", 305, 2, 153),
    ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\r\n", "GSM-7", 44, 1, 160),
    ("Don’t", "UCS-2", 5, 1, 70),
    ("—" * 70, "UCS-2", 70, 1, 70),
    ("—" * 71, "UCS-2", 71, 2, 67),
    ("😀", "UCS-2", 2, 1, 70),
    ("😀" * 35, "UCS-2", 70, 1, 70),
    ("😀" * 36, "UCS-2", 72, 2, 67),
    # 66 units then an emoji: the surrogate pair may not be cut, so it starts part 2
    ("a" * 66 + "😀" + "a" * 5, "UCS-2", 73, 2, 67),
    ("a" * 66 + "😀" * 34, "UCS-2", 134, 3, 67),
    ("a" * 67 + "😀" * 33, "UCS-2", 133, 2, 67),
    ("ç", "UCS-2", 1, 1, 70),
    ("`", "UCS-2", 1, 1, 70),
    ("\t", "UCS-2", 1, 1, 70),
], ids=short_id)
def test_analyse_table(text, encoding, units, segments, per_segment):
    result = analyse(text)
    assert (result.encoding, result.units, result.segments, result.per_segment) == \
        (encoding, units, segments, per_segment)


@pytest.mark.parametrize("text, forcing", [
    ("Plain text {ok} €5", ()),
    ("Don’t worry — it’s fine 😀", ("’", "—", "😀")),
    ("“Hi” “again”", ("“", "”")),
    ("Ça va", ()),                     # capital Ç is GSM-7 (0x09)
    ("ça va", ("ç",)),
    ("naïve café", ("ï",)),
    ("👍🏽", ("👍", "🏽")),
])
def test_ucs2_characters_in_order_of_appearance(text, forcing):
    assert analyse(text).ucs2_characters == forcing


@pytest.mark.parametrize("text, plain", [
    ("Sorry I missed you — I’m on a job", "Sorry I missed you - I'm on a job"),
    ("8–5 Mon–Fri", "8-5 Mon-Fri"),
    ("‘quoted’ and “double”", "'quoted' and \"double\""),
    ("„German‟ «French»", '"German" "French"'),
    ("Wait…", "Wait..."),
    ("• one\n• two", "- one\n- two"),
    ("10\u00a0am\u202fsharp", "10 am sharp"),
    ("it´s `ok`", "it's 'ok'"),
    ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
    ("tab\there", "tab here"),
    ("−5°", "-5°"),
    ("Emoji stay 😀 and café stays", "Emoji stay 😀 and café stays"),
    ("{braces} [stay] €", "{braces} [stay] €"),
    ("", ""),
])
def test_plain_punctuation(text, plain):
    assert plain_punctuation(text) == plain


@pytest.mark.parametrize("text", [
    "I’m on a job — back at 5… “Call” me ‘later’ • ok\u00a0now",
    "Hey – sorry´s",
])
def test_plain_punctuation_makes_typographic_text_gsm7(text):
    assert analyse(text).encoding == "UCS-2"
    assert analyse(plain_punctuation(text)).encoding == "GSM-7"
