"""No secret reaches log output, whatever shape the event has."""

from __future__ import annotations

import io
import json

import structlog

from sync.config import parse_settings
from sync.logs import MASK, configure, get_logger, redact, register_secrets, scrub

TOKEN = "pat-na1-0123456789abcdef"


def _render(**event: object) -> str:
    stream = io.StringIO()
    configure("debug", json_output=True, stream=stream)
    get_logger("test").info("event", **event)
    return stream.getvalue()


def test_token_from_the_config_never_reaches_log_output() -> None:
    settings = parse_settings("crm: hubspot\nhubspot:\n  access_token: ${T}\n", env={"T": TOKEN})
    register_secrets(settings.secrets())
    out = _render(
        message=f"request failed for token {TOKEN}",
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"},
        url=f"https://api.example.com/?access_token={TOKEN}&x=1",
        error=ValueError(f"bad credentials {TOKEN}"),
        settings=settings.model_dump(),
    )
    assert TOKEN not in out
    line = json.loads(out)
    assert line["headers"]["Authorization"] == MASK
    assert line["headers"]["Accept"] == "application/json"
    assert line["url"].startswith("https://api.example.com/?access_token=***")


def test_secret_keys_are_masked_even_when_unregistered() -> None:
    out = json.loads(_render(session_id="00Dxx!AQ4AQ", password="hunter2", deals_read=12))
    assert out["session_id"] == MASK
    assert out["password"] == MASK
    assert out["deals_read"] == 12


def test_bearer_tokens_in_free_text_are_masked() -> None:
    event = redact(None, "info", {"event": "GET /x Authorization: Bearer abc.def.ghi failed"})
    assert "abc.def.ghi" not in event["event"]


def test_capture_logs_sees_redacted_values() -> None:
    register_secrets(["s3cr3t-value"])
    with structlog.testing.capture_logs(processors=[redact]) as logs:
        structlog.get_logger().warning("retrying", detail="token s3cr3t-value rejected")
    assert logs[0]["detail"] == f"token {MASK} rejected"


def _fail_with(token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}  # a frame local, as in a connector
    raise RuntimeError(f"request failed ({len(headers)} header)")


def test_a_traceback_on_the_console_shows_no_secret_from_the_frames() -> None:
    register_secrets([TOKEN])
    stream = io.StringIO()
    configure("info", json_output=False, stream=stream)
    try:
        _fail_with(TOKEN)
    except RuntimeError:
        get_logger("test").exception("cycle_crashed")
    out = stream.getvalue()
    assert "cycle_crashed" in out and "RuntimeError: request failed" in out
    assert TOKEN not in out


def test_a_secret_that_is_a_plain_word_does_not_eat_the_words_of_a_message() -> None:
    register_secrets(["sandbox", "s3cr3t-value"])
    text = scrub(
        "set salesforce.ca_bundle to the CA file of your proxy or sandbox; "
        "Authorization: Bearer sandbox; token s3cr3t-value"
    )
    assert text == (
        "set salesforce.ca_bundle to the CA file of your proxy or sandbox; "
        "Authorization: *** token ***"
    )
