"""`dealgate sandbox serve` keeps a configuration working across restarts: fixed ports unless
taken, a CA kept in a folder, and a taken port named in the error."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import hubspot, tls
from sandbox.http import PortInUse
from sandbox.serve import _start, serve


@pytest.fixture(autouse=True)
def _throwaway_ca_afterwards() -> Iterator[None]:
    yield
    tls._kept.clear()
    tls.authority.cache_clear()


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def _start_hubspot(port: int) -> hubspot.HubSpotSandbox:
    return hubspot.start(seed=None, port=port)


def test_a_taken_port_that_was_asked_for_is_named(taken_port: int) -> None:
    with pytest.raises(PortInUse, match=f"port {taken_port} on 127.0.0.1 is already in use"):
        _start(_start_hubspot, taken_port, 8765, print)


def test_a_taken_default_port_falls_back_to_a_free_one_and_says_so(taken_port: int) -> None:
    notes: list[str] = []
    with _start(_start_hubspot, None, taken_port, notes.append) as box:
        assert box.url != f"http://127.0.0.1:{taken_port}"
    assert notes == [f"note: port {taken_port} is taken; using a free port instead"]


def _served_ca(ca_dir: Path) -> tuple[str, bytes]:
    lines: list[str] = []
    stop, started = threading.Event(), threading.Event()

    def echo(line: str) -> None:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            started.set()

    kwargs = {"port": 0, "sf_port": 0, "ca_dir": ca_dir, "echo": echo, "stop": stop}
    thread = threading.Thread(target=serve, kwargs=kwargs, daemon=True)
    thread.start()
    assert started.wait(10)
    stop.set()
    thread.join(10)
    [ca_line] = [line for line in lines if line.startswith("Salesforce CA file:")]
    path = ca_line.split(":", 1)[1].strip()
    return path, Path(path).read_bytes()


def test_the_ca_file_stays_put_across_restarts(tmp_path: Path) -> None:
    first = _served_ca(tmp_path / "ca")
    tls.authority.cache_clear()  # a new process
    second = _served_ca(tmp_path / "ca")
    assert first == second and first[0] == str(tmp_path / "ca" / "ca.pem")
