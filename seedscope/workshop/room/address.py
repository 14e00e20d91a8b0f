"""Where the room server listens, and the address phones are given.

The QR code on the projector must name an address a phone can open: not
``localhost`` (that is the phone itself) but this computer's address on the
room's network. It is found by asking the system which interface it would
use to reach the outside (no packet is sent); a facilitator can always set it
(``SEEDSCOPE_ROOM_URL`` or the Decks page), e.g. to a hostname.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import urllib.parse

DEFAULT_PORT = 8502
#: All interfaces: the phones are on the room's network, not on this computer.
DEFAULT_ADDRESS = "0.0.0.0"
#: A documentation address: connecting a UDP socket to it sends nothing.
_PROBE = ("192.0.2.1", 9)


def room_port() -> int:
    try:
        return int(os.environ.get("SEEDSCOPE_ROOM_PORT") or DEFAULT_PORT)
    except ValueError:
        return DEFAULT_PORT


def lan_ip() -> str:
    """This computer's address on its main network, else 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(_PROBE)
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def public_url(port: int | None = None) -> str:
    """The address to give phones: ``SEEDSCOPE_ROOM_URL``, else this computer's LAN address."""
    configured = os.environ.get("SEEDSCOPE_ROOM_URL")
    if configured:
        return configured.rstrip("/")
    return f"http://{lan_ip()}:{port or room_port()}"


def internal_url(port: int | None = None) -> str:
    """How the dashboard, on this computer, reaches the room server."""
    return f"http://127.0.0.1:{port or room_port()}"


def is_loopback(url: str) -> bool:
    """Whether an address only works on this computer (phones cannot open it)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def valid_url(url: str) -> bool:
    parts = urllib.parse.urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query
