"""Editing a message: the live counter (characters, encoding, texts), the characters that force
UCS-2, the one-click plain-punctuation fix, the preview with placeholders filled, and saving."""
import pytest
from playwright.sync_api import expect

from tests.browser.support import login, screenshot

pytestmark = pytest.mark.browser

BEFORE_DASH = "Hi, {business_name} here"
AFTER_DASH = " sorry we missed your call. We'll ring you back within the hour, or book online."
# As the caller gets it: 105 characters. With the em dash that is UCS-2 (67 per part of a long
# text): 2 texts. With a plain hyphen it is GSM-7: 1 text of 160.
FILLED_PLAIN = ("Hi, Joe's Plumbing here - sorry we missed your call. We'll ring you back within "
                "the hour, or book online.")


def counter(editor, name):
    return editor.get_by_test_id("counter-business_hours").locator(f'[data-c="{name}"]')


def test_edit_a_message_with_live_counter_and_preview(shop, page, watch, viewport):
    shop.box.update_settings({"business_name": "Joe's Plumbing"})
    login(page, shop)
    page.goto(shop.url("/messages/"))
    editor = page.get_by_test_id("editor-business_hours")
    text = editor.get_by_test_id("text-business_hours")
    editor.scroll_into_view_if_needed()

    text.fill(BEFORE_DASH)
    expect(counter(editor, "encoding")).to_have_text("GSM-7")
    expect(counter(editor, "characters")).to_have_text("23")          # "Hi, Joe's Plumbing here"
    expect(editor.get_by_test_id("preview-business_hours")).to_have_text("Hi, Joe's Plumbing here")

    text.press("End")
    text.press_sequentially(" —" + AFTER_DASH)                           # typing the em dash
    expect(counter(editor, "encoding")).to_have_text("UCS-2")
    expect(counter(editor, "characters")).to_have_text("105")
    expect(counter(editor, "segments")).to_have_text("2")
    expect(counter(editor, "capacity")).to_have_text("134")
    expect(editor.get_by_test_id("ucs2-business_hours")).to_be_visible()
    expect(editor.locator(".ucs2-char")).to_have_text(["—"])
    expect(editor.get_by_test_id("preview-business_hours")).to_have_text(
        FILLED_PLAIN.replace(" - ", " — "))
    screenshot(page, "messages-ucs2", viewport)

    editor.get_by_test_id("plain-business_hours").click()
    expect(text).to_have_value(BEFORE_DASH + " -" + AFTER_DASH)
    expect(counter(editor, "encoding")).to_have_text("GSM-7")
    expect(counter(editor, "characters")).to_have_text("105")
    expect(counter(editor, "segments")).to_have_text("1")
    expect(counter(editor, "capacity")).to_have_text("160")
    expect(editor.get_by_test_id("ucs2-business_hours")).to_be_hidden()
    expect(editor.get_by_test_id("plain-business_hours")).to_be_hidden()
    expect(editor.get_by_test_id("preview-business_hours")).to_have_text(FILLED_PLAIN)

    editor.get_by_test_id("save-business_hours").click()
    expect(page.get_by_test_id("flash-success")).to_have_text("Saved: During opening hours.")
    expect(page.get_by_test_id("text-business_hours")).to_have_value(
        BEFORE_DASH + " -" + AFTER_DASH)
    assert shop.box.settings()["messages"]["business_hours"] == BEFORE_DASH + " -" + AFTER_DASH
    watch.assert_clean()
