"""How a Salesforce session is obtained from `SalesforceSettings.auth`.

A bare session id (`method: session`) cannot be renewed. JWT bearer, client credentials and
password with an External Client App's consumer key and secret go through the OAuth token
endpoint (`connector.salesforce.oauth`). Password without an app is the old SOAP API `login()`
through simple-salesforce's `SalesforceLogin` (always https://{domain}.salesforce.com), sent at
API 64.0 at the latest: `login()` is not available from 65.0, is disabled by default in orgs
created in Winter '26 or later, and is retired in Summer '27. Each login returns a fresh session
on demand, so the client can log in again once when Salesforce answers `INVALID_SESSION_ID`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jwt
import requests
from jwt.exceptions import PyJWTError
from simple_salesforce.login import SalesforceLogin

from connector.errors import ConfigurationError
from connector.salesforce import oauth
from connector.settings import SOAP_LOGIN_LAST_VERSION, SalesforceSettings

Login = Callable[[], "SessionInfo"]

EXPIRED_SESSION_MESSAGE = "the session id expired; provide a new one or use password/jwt auth"
REFUSED_SESSION_MESSAGE = (
    "Salesforce refused the session id (it was never accepted: wrong, revoked, or of another "
    "org); provide a valid one or use password/jwt auth"
)


def soap_login_version(api_version: str) -> str:
    """The version to send SOAP `login()` at: the configured one, at most 64.0."""
    try:
        newer = float(api_version) > float(SOAP_LOGIN_LAST_VERSION)
    except ValueError:
        newer = True
    return SOAP_LOGIN_LAST_VERSION if newer else api_version


@dataclass(frozen=True, slots=True)
class SessionInfo:
    session_id: str
    instance_url: str  # https://host[:port]


def _secret(value: object) -> str | None:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if getter is not None else None


def _instance_url(host_or_url: str) -> str:
    return host_or_url if "://" in host_or_url else f"https://{host_or_url}"


def my_domain(settings: SalesforceSettings) -> str:
    """The login domain: the configured one, or for client credentials (which need My Domain)
    the prefix of the instance URL (`acme.my` for https://acme.my.salesforce.com)."""
    domain = settings.auth.domain
    if settings.auth.method == "client_credentials" and domain in {"login", "test"}:
        host = urlsplit(settings.instance_url or "").hostname or ""
        if host.endswith(".salesforce.com"):
            return host[: -len(".salesforce.com")]
    return domain


def initial_session(settings: SalesforceSettings) -> SessionInfo | None:
    """The session to start with when the settings carry one (method session), else None."""
    if settings.auth.method != "session":
        return None
    session_id = _secret(settings.auth.session_id) or ""
    if not session_id:
        raise ConfigurationError("salesforce.auth.session_id is empty")
    if not settings.instance_url:
        raise ConfigurationError("salesforce.instance_url is required with a session id")
    return SessionInfo(session_id, settings.instance_url.rstrip("/"))


def login_for(settings: SalesforceSettings, session: requests.Session) -> Login | None:
    """A function that logs in afresh, or None when the settings hold a bare session id."""
    auth = settings.auth
    domain = my_domain(settings)
    version = settings.api_version
    if auth.method == "session":
        return None

    def login() -> SessionInfo:
        try:
            return _login()
        except requests.RequestException:
            raise  # translated to ConnectionFailed by the caller; RequestException is an OSError
        except OSError as exc:  # an unreadable private key file
            raise ConfigurationError(f"salesforce.auth: cannot log in: {exc}") from exc
        except (PyJWTError, ValueError, TypeError) as exc:  # a key file that holds no usable key
            raise ConfigurationError(
                f"salesforce.auth.private_key_file {auth.private_key_file}: not a usable private "
                f"key ({exc})"
            ) from exc

    def _login() -> SessionInfo:
        if not auth.soap_login:
            session_id, instance = oauth.request_token(
                session, auth, domain, timeout=settings.timeout_seconds
            )
            return SessionInfo(session_id, _instance_url(instance))
        session_id, instance = SalesforceLogin(
            username=auth.username,
            password=_secret(auth.password),
            security_token=_secret(auth.security_token),
            domain=domain,
            sf_version=soap_login_version(version),
            session=session,
        )
        return SessionInfo(str(session_id), _instance_url(str(instance)))

    return login


def file_problems(settings: SalesforceSettings) -> tuple[list[str], list[str]]:
    """(problems, notes) about the files the settings name, checked without contacting
    Salesforce: a CA bundle that does not exist and a private key file that holds no usable key
    are problems; a key file not there yet (a secret mounted at deployment) is a note."""
    problems: list[str] = []
    notes: list[str] = []
    if settings.ca_bundle and not Path(settings.ca_bundle).is_file():
        problems.append(f"salesforce.ca_bundle: no such file: {settings.ca_bundle}")
    key_file = settings.auth.private_key_file
    if settings.auth.method == "jwt" and key_file:
        if not Path(key_file).exists():
            notes.append(f"salesforce.auth.private_key_file: {key_file} does not exist (yet)")
            return problems, notes
        try:
            key = Path(key_file).read_text(encoding="utf-8")
            jwt.encode({"probe": 1}, key, algorithm="RS256")  # the algorithm the JWT flow uses
        except OSError as exc:
            problems.append(
                f"salesforce.auth.private_key_file: cannot read {key_file}: {exc.strerror}"
            )
        except (PyJWTError, ValueError, TypeError) as exc:  # UnicodeDecodeError is a ValueError
            problems.append(
                f"salesforce.auth.private_key_file {key_file}: not a usable private key ({exc})"
            )
    return problems, notes
