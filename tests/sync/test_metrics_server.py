"""The metrics endpoint: loopback unless configured, idle connections dropped, a port in use is a
configuration error (one line, exit 2)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from sync import daemon
from sync.config import MetricsSettings, parse_settings
from sync.metrics import Metrics, MetricsServer
from tests.sync.builders import Clock, settings
from tests.sync.fake import FakeConnector

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_metrics_server_listens_on_loopback_by_default() -> None:
    assert parse_settings("crm: hubspot\nhubspot: {access_token: a}\n", env={}).metrics.host == (
        "127.0.0.1"
    )
    server = MetricsServer(Metrics(), 0)
    try:
        assert server._httpd.server_address[0] == "127.0.0.1"
    finally:
        server.stop()


def test_the_kubernetes_example_listens_on_every_interface() -> None:
    documents = list(yaml.safe_load_all((EXAMPLES / "deploy" / "kubernetes.yaml").read_text()))
    config = next(d for d in documents if d["kind"] == "ConfigMap")["data"]["dealgate.yaml"]
    assert parse_settings(config, env={"HUBSPOT_SERVICE_KEY": "x"}).metrics.host == "0.0.0.0"


def test_an_idle_connection_is_closed_by_the_server() -> None:
    server = MetricsServer(Metrics(), 0, request_timeout=0.2).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as idle:
            # sends nothing: the server gives up on it instead of keeping a thread forever
            assert idle.recv(1024) == b""
    finally:
        server.stop()


def test_a_metrics_port_in_use_stops_the_daemon_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = settings(tmp_path).model_copy(update={"metrics": MetricsSettings(port=port)})
        code = daemon.run(config, once=True, connector=FakeConnector(Clock()))
    assert code == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("dealgate: error")]
    assert lines == [
        f"dealgate: error: metrics.host/metrics.port 127.0.0.1:{port}: cannot listen there "
        "(Address already in use)"
    ]
