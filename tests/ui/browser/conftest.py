"""The browser harness: Debian's Chromium driven by Playwright's Python client, against apps served on localhost.

Playwright's own browser download needs the internet, so the tests launch ``/usr/bin/chromium`` (Debian's
``chromium`` package; ``.ci/run`` installs it). A missing browser fails the tests with the command that installs
it: browser tests are never skipped.

Fixtures:
    browser: one headless Chromium per test session.
    page: a fresh page (own context, laptop viewport 1280x800) per test.
    artifacts: the folder screenshots go to (``NEWSDESK_TEST_ARTIFACTS``, default ``build/test-artifacts``).
    serve: ``serve(blocks)`` launches a Gradio Blocks app on a free localhost port and returns its URL;
        the app is closed when the test ends.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking switches Chromium keeps dialling Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module, closed after it: Playwright's sync API keeps an event loop running in
    the main thread while it is open, which would break any later test's ``asyncio.run()``."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
                    "or point NEWSDESK_CHROMIUM at one", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page in its own browser context (no cookies or storage shared between tests)."""
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(60_000)  # the bundled model on two shared cores can take tens of seconds
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and browser timings are saved for people to look at after the run."""
    folder = Path(os.environ.get("NEWSDESK_TEST_ARTIFACTS", REPO / "build" / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def serve() -> Iterator[Callable[[Any], str]]:
    """``serve(blocks)`` -> URL of the Gradio app on a free localhost port, closed after the test."""
    launched: list[Any] = []

    def start(blocks: Any) -> str:
        blocks.queue()
        _, url, _ = blocks.launch(server_name="127.0.0.1", server_port=None, prevent_thread_lock=True,
                                  quiet=True, show_error=False)
        launched.append(blocks)
        return url.rstrip("/")

    yield start
    for blocks in launched:
        blocks.close()
