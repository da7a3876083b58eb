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

from sandbox import hubspot, salesforce
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
    hs = f"crm: hubspot\nhubspot:\n  access_token: {token}\n  base_url: {hs_url}\n"
    sf = (
        "crm: salesforce\nsalesforce:\n"
        f"  instance_url: {sf_url}\n"
        f"  auth: {{method: session, session_id: {token}}}\n"
        f"  ca_bundle: {ca_file}\n"
    )
    return {"hubspot": hs, "salesforce": sf}


def serve(
    *,
    port: int = 0,
    sf_port: int = 0,
    seed: Path | None = None,
    token: str = "sandbox",
    echo: Callable[[str], None] = print,
    stop: threading.Event | None = None,
) -> None:
    """Run both sandboxes until `stop` is set or SIGINT/SIGTERM arrives."""
    hs_seed, sf_seed = load_seed(seed)
    stop = stop or threading.Event()
    with (
        hubspot.start(seed=hs_seed, port=port, token=token) as hs,
        salesforce.start(seed=sf_seed, port=sf_port, token=token) as sf,
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
