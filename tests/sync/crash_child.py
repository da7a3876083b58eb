"""A warm process that forks one `dealgate run` per request, for the crash and signal tests.

Importing dealgate takes a second or more; forking an already warm process takes milliseconds,
so the tests can kill and restart the daemon at many points cheaply. Each child is a real,
separate process that runs `sync.daemon.run` on a configuration file, exactly as `dealgate run`
does, and can be killed with any signal.

Protocol, one JSON object per line on stdin:
    {"config": PATH, "once": true, "batch_size": 2, "log": PATH}
and for each one, two lines on stdout: `pid N` once the child runs, `exit N CODE` when it ended
(CODE is negative for a signal, as in subprocess).
"""

from __future__ import annotations

import json
import os
import sys

import hubspot.crm.associations.v4
import hubspot.crm.associations.v4.schema
import hubspot.crm.contacts
import hubspot.crm.deals
import hubspot.crm.objects.tasks
import hubspot.crm.owners
import hubspot.crm.pipelines
import hubspot.crm.properties

import connector.hubspot
import connector.salesforce
import sync.checks
import sync.factory
from gates import load_catalog
from sync import daemon
from sync.config import load_settings
from sync.logs import configure

# what a child would otherwise import (and parse) on its own, every time
WARM = (
    connector.hubspot, connector.salesforce, sync.checks, sync.factory, load_catalog(),
    hubspot.crm.associations.v4.schema, hubspot.crm.contacts, hubspot.crm.deals,
    hubspot.crm.objects.tasks, hubspot.crm.owners, hubspot.crm.pipelines, hubspot.crm.properties,
)  # fmt: skip


def _child(request: dict[str, object]) -> int:
    with open(str(request["log"]), "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 2)
        os.dup2(log.fileno(), 1)  # the daemon's summary line; stdout carries the protocol
    configure("info", json_output=True, stream=sys.stderr)
    settings = load_settings(str(request["config"]))
    return daemon.run(
        settings,
        once=bool(request.get("once", True)),
        batch_size=int(str(request.get("batch_size", 200))),
    )


def main() -> None:
    """Serve fork requests until stdin closes."""
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(request)
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        print(f"exit {pid} {code}", flush=True)


if __name__ == "__main__":
    main()
