"""Opt-out / opt-in / help keywords and urgent words in replies."""
import pytest

from appliance.core.keywords import classify, urgent_words_in


@pytest.mark.parametrize("text, meaning", [
    ("STOP", "stop"),
    ("stop", "stop"),
    ("Stop.", "stop"),
    (" stop! ", "stop"),
    ("\nSTOP\n", "stop"),
    ("'stop'", "stop"),
    ("“Stop”", "stop"),
    ("stop 🙏", "stop"),
    ("StopAll", "stop"),
    ("unsubscribe", "stop"),
    ("Cancel", "stop"),
    ("end", "stop"),
    ("QUIT!!!", "stop"),
    ("start", "start"),
    ("Start.", "start"),
    ("UNSTOP", "start"),
    ("help", "help"),
    ("Help?", "help"),
    ("info", "help"),
    ("yes", None),
    ("please stop by tomorrow", None),
    ("stop please", None),
    ("Can you start on Monday?", None),
    ("I need help with my boiler", None),
    ("stopped", None),
    ("s t o p", None),
    ("", None),
    ("   ", None),
    ("...", None),
    (None, None),
])
def test_classify(text, meaning):
    assert classify(text) == meaning


WORDS = ["no heat", "burst", "gas", "flood", "sparking", "emergency"]


@pytest.mark.parametrize("text, found", [
    ("We have NO HEAT since last night", ["no heat"]),
    ("no\n  heat in the bedroom", ["no heat"]),
    ("Pipe burst in the kitchen, flood everywhere", ["burst", "flood"]),
    ("Flood! Burst pipe!", ["burst", "flood"]),        # in the order of the word list
    ("I smell gas", ["gas"]),
    ("gas.", ["gas"]),
    ("Gas, gas, gas", ["gas"]),                         # each word once
    ("the outlet is sparking", ["sparking"]),
    ("It's an emergency", ["emergency"]),
    ("Can you fix my gasket?", []),
    ("Vegas trip, call later", []),
    ("no heating issues, just a quote", []),            # "no heat" is not "no heating"
    ("nothing urgent, just a quote", []),
    ("", []),
])
def test_urgent_words_in(text, found):
    assert urgent_words_in(text, WORDS) == found


@pytest.mark.parametrize("text, words, found", [
    ("the boiler won’t start", ["won't start"], ["won't start"]),   # curly vs straight apostrophe
    ("leak at the a/c unit", ["a/c"], ["a/c"]),                      # punctuation in a word
    ("anything", ["", "  "], []),                                    # blank words never match
    ("Water LEAK", ["Leak"], ["Leak"]),                              # returns the configured word
    ("anything", [], []),
])
def test_urgent_words_edge_cases(text, words, found):
    assert urgent_words_in(text, words) == found
