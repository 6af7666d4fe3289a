"""The browser fixtures of tests/e2e, for the panel's browser test."""

from tests.e2e.conftest import _chromium, browser, desktop, live_server, phone  # noqa: F401 - pytest fixtures by name
