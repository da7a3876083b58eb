"""Shared fixtures: the sandbox CRMs live in tests/fixtures/ (one module per CRM)."""

pytest_plugins = ["tests.fixtures.salesforce", "tests.fixtures.hubspot"]
