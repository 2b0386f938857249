"""Fixtures for the browser tests: headless Chromium (Debian's, one per session) and real boxes.

  browser     Playwright's Chromium from /usr/bin/chromium; skipped when it is missing, but a
              FAILURE when CI=true (the browser tests must run in CI)
  viewport    "phone" (375x812) and "desktop" (1280x800): every test using `page` runs at both
  make_shop   make_shop(**bootstrap Options) -> a started Shop (support.py); stopped afterwards
  shop        a fresh started Shop with the admin password set (not logged in)
  watch       collects console errors, uncaught exceptions and CSP violations of every page
  open_context  open_context(**options) -> a new browser context at `viewport`, watched
  context     a browser context at `viewport`, watched by `watch`
  page        a page in `context`
"""
from __future__ import annotations

import os

import pytest

from tests.browser.support import (CHROMIUM, CHROMIUM_ARGS, PASSWORD, VIEWPORTS, Shop, Watch)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: the browser tests must run in CI)")
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright
    # The same patience as the contexts' actions: on a loaded 2-core machine a form's
    # POST-redirect-GET can take a few seconds before its confirmation is there to see.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(params=list(VIEWPORTS), ids=lambda name: f"{name}-{VIEWPORTS[name]['width']}")
def viewport(request) -> str:
    return request.param


@pytest.fixture
def make_shop(tmp_path):
    shops = []

    def make(**options) -> Shop:
        shop = Shop(tmp_path / f"box{len(shops)}", **options)
        shops.append(shop)
        return shop
    yield make
    for shop in shops:
        shop.stop()


@pytest.fixture
def shop(make_shop) -> Shop:
    the_shop = make_shop()
    the_shop.box.set_password(PASSWORD)
    return the_shop


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def open_context(browser, viewport, watch):
    """open_context(**new_context options) -> a browser context at `viewport`, watched."""
    contexts = []

    def open_(**options):
        ctx = browser.new_context(viewport=VIEWPORTS[viewport], **options)
        ctx.set_default_timeout(10_000)
        watch.attach(ctx)
        contexts.append(ctx)
        return ctx
    yield open_
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def context(open_context):
    return open_context()


@pytest.fixture
def page(context):
    return context.new_page()
