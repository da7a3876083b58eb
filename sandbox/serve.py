"""`dealgate sandbox serve`: both sandbox CRMs on loopback until Ctrl-C.

HubSpot over plain HTTP, Salesforce over HTTPS with a throwaway CA; prints both base URLs, the CA
file, and a ready-to-use dealgate configuration for each CRM.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sandbox import hubspot, salesforce, tls
from sandbox.http import PortInUse
from sandbox.seedfile import SeedError, read_seed_file


def load_seed(path: Path | None) -> tuple[Any, Any]:
    """(hubspot seed, salesforce seed) from a seed file with `hubspot:` / `salesforce:` sections;
    SeedError naming the file when it cannot be one."""
    if path is None:
        return "demo", "demo"
    data = read_seed_file(path)
    if not isinstance(data, dict) or not {"hubspot", "salesforce"} & {str(k) for k in data}:
        raise SeedError(f"{path}: a seed file has a 'hubspot' and/or a 'salesforce' section")
    hs_seed, sf_seed = data.get("hubspot"), data.get("salesforce")
    if hs_seed is not None and not isinstance(hs_seed, dict):
        raise SeedError(f"{path}: the 'hubspot' section is a mapping of seed sections")
    if sf_seed is not None and not isinstance(sf_seed, dict):
        raise SeedError(f"{path}: the 'salesforce' section maps sObject types to records")
    return hs_seed, sf_seed


def sample_configs(hs_url: str, sf_url: str, ca_file: str, token: str) -> dict[str, str]:
    """Ready-to-use configurations for the running sandboxes."""
    hs = (
        "crm: hubspot\nhubspot:\n  auth:\n    method: private_app\n"
        f"    access_token: {token}\n  base_url: {hs_url}\n"
    )
    sf = (
        "crm: salesforce\nsalesforce:\n"
        f"  instance_url: {sf_url}\n"
        f"  auth: {{method: session, session_id: {token}}}\n"
        f"  ca_bundle: {ca_file}\n"
    )
    return {"hubspot": hs, "salesforce": sf}


HUBSPOT_PORT = 8765  # the fixed defaults, so a configuration keeps working across restarts
SALESFORCE_PORT = 8766


def _start(
    starter: Callable[[int], Any], port: int | None, default: int, echo: Callable[[str], None]
) -> Any:
    """Start on `port` (taken: the error names it), or on `default` unless taken (then a free
    port, said so)."""
    if port is not None:
        return starter(port)
    try:
        return starter(default)
    except PortInUse:
        echo(f"note: port {default} is taken; using a free port instead")
        return starter(0)


def serve(
    *,
    port: int | None = None,
    sf_port: int | None = None,
    seed: Path | None = None,
    token: str = "sandbox",
    ca_dir: Path | None = tls.DEFAULT_CA_DIR,
    echo: Callable[[str], None] = print,
    stop: threading.Event | None = None,
) -> None:
    """Run both sandboxes until `stop` is set or SIGINT/SIGTERM arrives.

    Ports: None takes the fixed default (HubSpot 8765, Salesforce 8766) unless it is taken; a
    given port that is taken is an error naming it; 0 is any free port. The Salesforce CA is
    kept in `ca_dir` (None: a temporary one), so `ca_bundle` stays valid across restarts."""
    hs_seed, sf_seed = load_seed(seed)
    stop = stop or threading.Event()
    if ca_dir is not None:
        tls.keep_ca_in(ca_dir)
    with (
        _start(
            lambda p: hubspot.start(seed=hs_seed, port=p, token=token), port, HUBSPOT_PORT, echo
        ) as hs,
        _start(
            lambda p: salesforce.start(seed=sf_seed, port=p, token=token),
            sf_port,
            SALESFORCE_PORT,
            echo,
        ) as sf,
    ):
        echo(f"HubSpot sandbox:    {hs.url}")
        echo(f"Salesforce sandbox: {sf.url}")
        echo(f"Salesforce CA file: {sf.ca_file}")
        echo(f"Bearer token:       {token}")
        for crm, text in sample_configs(hs.url, sf.url, sf.ca_file, token).items():
            echo(f"\n# {crm} configuration\n{text}")
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        echo("Press Ctrl-C to stop.")  # only once Ctrl-C is handled
        stop.wait()
    echo("sandbox stopped")
