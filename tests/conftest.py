"""Shared fixtures: the sandbox CRMs live in tests/fixtures/ (one module per CRM).

Property tests run the same examples on every run and keep no example database, so a failure
reproduces on the next run and on every machine alike; no example has a deadline, so a loaded
machine cannot fail one. A test's own `@settings` still decides what it sets explicitly.
"""

from hypothesis import settings

settings.register_profile("dealgate", derandomize=True, database=None, deadline=None)
settings.load_profile("dealgate")

pytest_plugins = ["tests.fixtures.salesforce", "tests.fixtures.hubspot", "tests.fixtures.postgres"]
