"""Test configuration: fixtures live in tests/fixtures/."""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.factories",
    "tests.fixtures.auth",
    "tests.fixtures.smtp",
    "tests.fixtures.browser",
    "tests.fixtures.queries",
    "tests.fixtures.hotline",
    "tests.fixtures.training",
    "tests.fixtures.journal",
    "tests.fixtures.rollout",
    "tests.fixtures.api",
]
