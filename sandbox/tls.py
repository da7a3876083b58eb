"""A throwaway certificate authority for the sandbox's HTTPS servers.

simple-salesforce always speaks https, so the Salesforce sandbox needs a certificate that
clients can verify. One CA and one server certificate (127.0.0.1, localhost) are made per
process, on first use, and reused by every sandbox; the CA's PEM file is what clients trust
(`requests` `verify=`, dealgate's `salesforce.ca_bundle`).

By default the CA lives in a temporary folder removed at exit (tests). `keep_ca_in(folder)`
(used by `dealgate sandbox serve`) keeps it in a folder instead: made there the first time,
loaded from there afterwards, so a configuration's `ca_bundle` stays valid across restarts.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class Authority:
    """The process's sandbox CA and the server certificate it issued."""

    ca: trustme.CA
    server_cert: trustme.LeafCert
    ca_file: str


DEFAULT_CA_DIR = Path("~/.cache/dealgate/sandbox-ca")  # where `sandbox serve` keeps its CA
_kept: list[Path] = []  # the folder of keep_ca_in, if any


def keep_ca_in(folder: Path) -> None:
    """Keep the CA in `folder` (reuse the one there, or make it there); before first use."""
    _kept[:] = [folder.expanduser()]
    authority.cache_clear()


def _kept_ca(folder: Path) -> trustme.CA:
    cert, key = folder / "ca.pem", folder / "ca-key.pem"
    if cert.is_file() and key.is_file():
        return trustme.CA.from_pem(cert.read_bytes(), key.read_bytes())
    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="dealgate sandbox")
    ca.private_key_pem.write_to_path(str(key))
    key.chmod(0o600)
    ca.cert_pem.write_to_path(str(cert))
    return ca


@functools.cache
def authority() -> Authority:
    """The process-wide CA: made once, in a temporary folder removed at exit, or kept in the
    folder given to `keep_ca_in`."""
    if _kept:
        ca = _kept_ca(_kept[0])
        return Authority(ca, ca.issue_cert("127.0.0.1", "localhost"), str(_kept[0] / "ca.pem"))
    ca = trustme.CA(organization_name="dealgate sandbox")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder = Path(tempfile.mkdtemp(prefix="dealgate-sandbox-ca-"))
    atexit.register(shutil.rmtree, folder, True)
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Authority(ca, cert, str(ca_file))


def ca_file() -> str:
    """Path of the PEM file of the sandbox CA, for clients to trust."""
    return authority().ca_file


def server_context() -> ssl.SSLContext:
    """A server-side TLS context presenting the sandbox certificate for 127.0.0.1/localhost."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority().server_cert.configure_cert(context)
    return context


def client_context() -> ssl.SSLContext:
    """A client-side TLS context that trusts the sandbox CA."""
    context = ssl.create_default_context()
    authority().ca.configure_trust(context)
    return context
