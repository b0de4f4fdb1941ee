"""Outbound proxies: one rule for every call the bot makes.

Each HTTP client the bot uses (slack_sdk over aiohttp, Socket Mode, ``requests`` for Looker
and Google Cloud Storage, botocore, azure-core, the bot's own aiohttp calls) reads the proxy
variables in its own way, or not at all: slack_sdk ignores ``NO_PROXY``, and a plain
``aiohttp.ClientSession`` ignores every variable. So the bot decides here, once per URL, and
hands each client an explicit answer with its own environment reading turned off.
:mod:`lookerbot.settings` reads the variables (from the environment or ``.env``) into a
:class:`Proxies`, which every component that makes calls is given.

The rule is the one curl and ``requests`` follow:

- ``https://`` and ``wss://`` URLs use ``HTTPS_PROXY``; ``http://`` and ``ws://`` URLs use
  ``HTTP_PROXY``; ``ALL_PROXY`` is the fallback for both. Lower-case names win over
  upper-case ones; an empty value means unset.
- ``NO_PROXY`` is a comma-separated list; a URL whose host matches an entry goes direct:
  ``*`` matches every host; ``example.com`` and ``.example.com`` match that host and every
  host under it; an IP address matches itself; a CIDR block (``10.0.0.0/8``) matches the IP
  addresses in it; ``host:port`` matches only that port. Matching ignores case.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}

#: The variables :meth:`Proxies.from_environ` reads, each in lower and upper case.
VARIABLES = ("https_proxy", "http_proxy", "all_proxy", "no_proxy")


def _variable(environ: Mapping[str, str], name: str) -> str:
    for key in (name.lower(), name.upper()):
        value = environ.get(key, "").strip()
        if value:
            return value
    return ""


@dataclass(frozen=True)
class Proxies:
    """The proxy settings, and the one rule that applies them to a URL.

    Attributes:
        https: the proxy for ``https://`` and ``wss://`` URLs.
        http: the proxy for ``http://`` and ``ws://`` URLs.
        all: the proxy for either, where the scheme's own is unset.
        no_proxy: ``NO_PROXY``'s hosts, as written.
        ca_bundle: the CA bundle ``requests`` verifies with (``REQUESTS_CA_BUNDLE`` or
            ``CURL_CA_BUNDLE``), since the bot turns requests' own reading of the
            environment off.
    """

    https: str = ""
    http: str = ""
    all: str = ""
    no_proxy: str = ""
    ca_bundle: str = ""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Proxies:
        """Read the variables curl and ``requests`` read (lower case wins)."""
        return cls(
            https=_variable(environ, "https_proxy"),
            http=_variable(environ, "http_proxy"),
            all=_variable(environ, "all_proxy"),
            no_proxy=_variable(environ, "no_proxy"),
            ca_bundle=(
                environ.get("REQUESTS_CA_BUNDLE", "").strip()
                or environ.get("CURL_CA_BUNDLE", "").strip()
            ),
        )

    def for_url(self, url: str) -> str | None:
        """The proxy URL to reach ``url`` through, or None to connect directly."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        proxy = (self.https if scheme in ("https", "wss") else self.http) or self.all
        if not proxy or not parts.hostname:
            return None
        try:
            port = parts.port or _DEFAULT_PORTS.get(scheme)
        except ValueError:
            port = None
        if bypassed(parts.hostname, port, self.no_proxy):
            return None
        if "://" not in proxy:
            proxy = f"http://{proxy}"  # as curl reads HTTPS_PROXY=host:3128
        return proxy

    def for_requests(self, url: str) -> dict[str, str]:
        """``proxies`` for a ``requests`` call (with ``trust_env`` off) to ``url``: the same
        proxy for both schemes, or none."""
        proxy = self.for_url(url)
        return {"http": proxy, "https": proxy} if proxy else {}

    @property
    def verify(self) -> str | bool:
        """``requests``' ``verify`` when TLS is checked."""
        return self.ca_bundle or True

    def requests_session(self) -> ProxiedSession:
        """A ``requests.Session`` that follows this rule."""
        return ProxiedSession(self)

    def describe(self) -> list[str]:
        """Start-up log lines (passwords hidden), and a warning when only ``HTTP_PROXY``
        is set: every service the bot reaches is https."""
        lines = [
            f"{name}={redact(value)}"
            for name, value in (
                ("HTTPS_PROXY", self.https),
                ("HTTP_PROXY", self.http),
                ("ALL_PROXY", self.all),
            )
            if value
        ]
        if not lines:
            return []
        lines.append(f"NO_PROXY={self.no_proxy}" if self.no_proxy else "NO_PROXY is not set")
        if not self.https and not self.all:
            lines.append(
                "only HTTP_PROXY is set: it applies to http:// URLs; Slack, Looker Cloud and "
                "the cloud image stores are https://, so they are reached directly (set "
                "HTTPS_PROXY)"
            )
        return lines


def bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` sends ``host`` (and ``port``) direct."""
    host = host.lower().strip("[]").rstrip(".")
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for raw in no_proxy.replace(" ", ",").split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        entry, entry_port = _split_port(entry)
        if entry_port is not None and entry_port != port:
            continue
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass
            continue
        domain = entry.removeprefix("*").lstrip(".").rstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def _split_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):  # [::1]:8080
        inside, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
        return inside, int(port) if port.isdigit() else None
    if entry.count(":") == 1:  # host:port (more colons: an IPv6 address)
        name, _, port = entry.partition(":")
        if port.isdigit():
            return name, int(port)
    return entry, None


def redact(proxy: str) -> str:
    """A proxy URL without its password, for logs."""
    parts = urlsplit(proxy)
    if parts.password is None:
        return proxy
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class ProxiedSession(requests.Session):
    """A ``requests.Session`` whose every request goes through the proxy its
    :class:`Proxies` chooses for the URL; requests' own reading of the environment (which
    differs from the rule for ``NO_PROXY``) is off."""

    def __init__(self, proxies: Proxies) -> None:
        super().__init__()
        self.rule = proxies
        self.trust_env = False
        self.verify = proxies.verify

    def request(
        self, method: str, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs["proxies"] = self.rule.for_requests(url if isinstance(url, str) else url.decode())
        return super().request(method, url, *args, **kwargs)
