"""Permission checks read the global describe once, as real orgs answer it."""

from __future__ import annotations

from sandbox.salesforce import SalesforceSandbox
from tests.connector.salesforce.conftest import Connect


def test_check_is_one_call_when_every_permission_is_there(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    wired = connect(sf_empty)
    assert wired.connector.check() == []
    assert [entry.route for entry in sf_empty.app.log] == ["describe.global"]


def test_check_names_a_missing_edit_permission_from_the_global_describe(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    sf_empty.store.schema["Task"].updateable = False
    wired = connect(sf_empty)
    assert wired.connector.check() == [
        "Task: the integration user lacks the updateable permission; dealgate needs to complete "
        "tasks"
    ]
    assert wired.calls() == 1
