"""The browser every browser test drives: Debian's chromium through Playwright."""

from __future__ import annotations

import os

import pytest

from tests.conftest import require_chromium

# Playwright's sync API runs an event loop in the test's thread; the ORM calls of the tests
# around it are synchronous on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser():
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=ARGS)
        try:
            yield b
        finally:
            b.close()
