"""What the real-browser tests (tests/browser, Playwright) share: journeys, clicks, checks."""
