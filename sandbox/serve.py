"""`dealgate sandbox serve`: both sandbox CRMs on loopback until Ctrl-C.

HubSpot over plain HTTP, Salesforce over HTTPS with a throwaway CA; prints both base URLs, the CA
file, and a ready-to-use dealgate configuration for each CRM.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sandbox import hubspot, salesforce


def load_seed(path: Path | None) -> tuple[Any, Any]:
    """(hubspot seed, salesforce seed) from a seed file with `hubspot:` / `salesforce:` sections."""
    if path is None:
        return "demo", "demo"
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict) or not {"hubspot", "salesforce"} & set(data):
        raise ValueError(f"{path}: a seed file has a 'hubspot' and/or a 'salesforce' section")
    return data.get("hubspot"), data.get("salesforce")


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
