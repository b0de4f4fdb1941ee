"""Matching URLs to Looker instances by origin: same scheme, host and port.

``https://co.looker.com.evil.net/looks/1`` is not ``https://co.looker.com``, nor is
``https://user@co.looker.com`` or ``https://co.looker.com:8443``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Origin:
    """The scheme, host and port of a URL."""

    scheme: str
    host: str
    port: int


def origin_of(url: str) -> Origin | None:
    """The origin of ``url``, or ``None`` if it is not a plain http(s) URL.

    URLs carrying a user name or password are refused: they are a classic disguise.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return None
    host = parts.hostname.lower().rstrip(".")
    return Origin(scheme, host, port if port is not None else _DEFAULT_PORTS[scheme])


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs have the same scheme, host and port."""
    first, second = origin_of(a), origin_of(b)
    return first is not None and first == second
