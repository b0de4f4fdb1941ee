"""Which URLs the actions may call: the only outgoing requests they make.

- the request's ``download_url``, and only on a configured Looker's host;
- a Braze REST endpoint (``https://rest.<cluster>.braze.com`` or ``.eu``);
- a RudderStack data plane (any ``https`` host that is not a loopback, private or link-local
  address).

The emulators listen on loopback over plain http, which none of these rules allow. A
:class:`LoopbackAllowance` names the exact emulator origins to accept as well. Only code
builds one (the tests and the demo pass it to ``create_app`` through ``Deps``); no setting,
environment variable or request can, and it refuses anything that is not a loopback origin.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from lookerbot import messages
from lookerbot.errors import ActionInputError
from lookerbot.looker.instances import LookerInstance

_BRAZE_HOST = re.compile(r"^rest\.[a-z0-9]+(?:-[a-z0-9]+)*\.braze\.(?:com|eu)$")
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def _origin(parts: SplitResult) -> str:
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = parts.port if parts.port not in (None, default) else None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _split(value: str) -> SplitResult | None:
    try:
        parts = urlsplit(value.strip())
        _ = parts.port  # raises for a bad port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts


@dataclass(frozen=True)
class LoopbackAllowance:
    """Loopback origins (``http://127.0.0.1:<port>``) the actions may call besides the real
    services: the emulators' addresses, for tests and the demo.

    Args:
        origins: ``scheme://host:port`` of each emulator; anything else raises ``ValueError``.
    """

    origins: frozenset[str]

    def __init__(self, origins: Iterable[str]) -> None:
        normalized = set()
        for origin in origins:
            parts = _split(origin)
            if parts is None or (parts.hostname or "") not in _LOOPBACK_NAMES or not parts.port:
                raise ValueError(f"not a loopback origin with a port: {origin!r}")
            normalized.add(_origin(parts))
        object.__setattr__(self, "origins", frozenset(normalized))

    def allows(self, parts: SplitResult) -> bool:
        """Whether the URL is on one of the allowed origins."""
        return _origin(parts) in self.origins


def _base_url(parts: SplitResult, path: str) -> str:
    return _origin(parts) + path


def braze_endpoint(value: object, allowance: LoopbackAllowance | None) -> str:
    """The Braze REST endpoint in ``value``, as ``https://rest.<cluster>.braze.com``.

    Raises:
        ActionInputError: about ``braze_api_endpoint``.
    """
    field = "braze_api_endpoint"
    if not isinstance(value, str) or not value.strip():
        raise ActionInputError({field: messages.param_missing("Braze REST API Endpoint", field)})
    parts = _split(value)
    if parts is not None and allowance is not None and allowance.allows(parts):
        return _base_url(parts, "")
    if (
        parts is None
        or parts.scheme != "https"
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
        or parts.path not in ("", "/")
        or parts.port not in (None, 443)
        or not _BRAZE_HOST.match(parts.hostname or "")
    ):
        raise ActionInputError({field: messages.BRAZE_ENDPOINT_INVALID})
    return f"https://{parts.hostname}"


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address ``host`` spells, in any spelling the system's resolver accepts, or
    None for a name. Beside the dotted quad, C's ``inet_aton`` (what getaddrinfo falls back
    to) reads hexadecimal and octal parts (``0x7f.0.0.1``, ``0177.0.0.1``), fewer parts
    (``127.1``, ``2130706433``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def private_address(host: str) -> bool:
    """Whether ``host`` is loopback, private, link-local or otherwise not on the internet
    (names under ``localhost`` included, with or without the root's trailing dot)."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = _address(name)
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global


def rudderstack_data_plane(
    value: object,
    allowance: LoopbackAllowance | None,
    private_hosts: frozenset[str] = frozenset(),
) -> str:
    """The data plane base URL in ``value`` (a trailing ``/v1/batch`` is dropped).

    A self-hosted data plane on a private network is accepted only when its host name is
    in ``private_hosts`` (``LOOKERBOT_RUDDERSTACK_PRIVATE_HOSTS``).

    Raises:
        ActionInputError: about ``rudder_server_url``.
    """
    field = "rudder_server_url"
    if not isinstance(value, str) or not value.strip():
        raise ActionInputError({field: messages.param_missing("RudderStack Data Plane URL", field)})
    parts = _split(value)
    path = "" if parts is None else parts.path.rstrip("/").removesuffix("/v1/batch").rstrip("/")
    if parts is not None and allowance is not None and allowance.allows(parts):
        return _base_url(parts, path)
    if (
        parts is None
        or parts.scheme != "https"
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
    ):
        raise ActionInputError({field: messages.RUDDERSTACK_URL_INVALID})
    host = (parts.hostname or "").lower().rstrip(".")
    if private_address(host) and host not in private_hosts:
        raise ActionInputError({field: messages.RUDDERSTACK_URL_PRIVATE})
    return _base_url(parts, path)


def check_download_url(value: object, lookers: Iterable[LookerInstance]) -> str:
    """``value`` if it is an http(s) URL on a configured Looker's web or API host.

    Looker's download URLs are one-time secrets: they never appear in messages.

    Raises:
        ActionInputError: about ``scheduled_plan.download_url``.
    """
    field = "scheduled_plan.download_url"
    parts = _split(value) if isinstance(value, str) else None
    if parts is None or parts.username is not None or parts.password is not None:
        raise ActionInputError({field: messages.DOWNLOAD_URL_INVALID})
    origins = {
        _origin(urlsplit(url)).lower()
        for looker in lookers
        for url in (looker.settings.url, looker.settings.api_base_url)
    }
    # Scheme, host and port: a Looker's host on another port is another server.
    if _origin(parts).lower() not in origins:
        raise ActionInputError({field: messages.DOWNLOAD_URL_NOT_LOOKER})
    assert isinstance(value, str)
    return value.strip()
