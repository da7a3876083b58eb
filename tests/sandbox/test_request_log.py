"""The sandbox's request log stays small on a long-running `sandbox serve`, and keeps nothing an
unauthenticated caller sent; its counts stay exact."""

from __future__ import annotations

import urllib.error
import urllib.request

import sandbox.hubspot
from sandbox.http import LOG_LIMIT, App


def test_the_log_keeps_the_latest_requests_and_exact_counts() -> None:
    app = App("test")
    for n in range(LOG_LIMIT + 5):
        app.record("POST", f"/x/{n}", 200, "x.create", b"{}")
    assert len(app.log) == LOG_LIMIT
    assert app.log[-1].path == f"/x/{LOG_LIMIT + 4}"
    assert app.requests == LOG_LIMIT + 5
    assert app.counts()["x.create"] == LOG_LIMIT + 5
    app.reset_log()
    assert (len(app.log), app.requests) == (0, 0)


def test_an_unauthenticated_request_is_counted_but_its_body_is_not_kept() -> None:
    with sandbox.hubspot.start(seed=None) as box:
        request = urllib.request.Request(
            f"{box.url}/crm/v3/objects/deals/search",
            data=b'{"secret": "payload"}',
            headers={"Authorization": "Bearer wrong", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
        [entry] = list(box.app.log)
        assert entry.status == 401 and entry.body == b""
        assert box.app.requests == 1
