"""A CRM that cannot be reached at all: interactive commands give up within seconds, naming the
address; the daemon keeps its backoff. Real client libraries against a refused local port."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import urllib3.exceptions
from urllib3.connection import HTTPSConnection

from connector.errors import Unreachable, unreachable
from sync.config import Settings, parse_settings
from sync.factory import build_connector


def refused_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings(tmp_path: Path, crm: str, port: int) -> Settings:
    return parse_settings(
        f"crm: {crm}\n"
        f"salesforce: {{instance_url: 'https://127.0.0.1:{port}', auth: {{session_id: s}}}}\n"
        f"hubspot: {{access_token: t, base_url: 'http://127.0.0.1:{port}'}}\n",
        base_dir=tmp_path,
    )


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_an_interactive_command_gives_up_on_a_refused_port_within_seconds(
    tmp_path: Path, crm: str
) -> None:
    port = refused_port()
    waits: list[float] = []
    connector = build_connector(settings(tmp_path, crm, port), sleep=waits.append, interactive=True)
    with pytest.raises(Unreachable) as raised:
        connector.existing_fields()
    assert f"127.0.0.1:{port}: connection refused" in str(raised.value)
    assert len(waits) == 1 and sum(waits) < 3  # one quick retry, not half a minute of backoff


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_the_daemon_keeps_its_backoff_on_a_refused_port(tmp_path: Path, crm: str) -> None:
    waits: list[float] = []
    connector = build_connector(settings(tmp_path, crm, refused_port()), sleep=waits.append)
    with pytest.raises(Unreachable):
        connector.existing_fields()
    assert len(waits) == 5  # six tries in all (retry_attempts)


def test_an_unknown_host_is_named() -> None:
    conn = HTTPSConnection("crm.example.invalid", 443)
    error = urllib3.exceptions.NameResolutionError("crm.example.invalid", conn, OSError("nope"))
    found = unreachable(urllib3.exceptions.MaxRetryError(None, "/", error), "Salesforce")  # type: ignore[arg-type]
    assert found is not None
    assert str(found) == "cannot reach Salesforce: unknown host 'crm.example.invalid' (port 443)"
