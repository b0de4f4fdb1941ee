"""The actions' DNS resolver: a name that resolves to a private address is not called.

The checks in :mod:`lookerbot.actions.endpoints` read URLs as written. A public-looking name
can still resolve to a loopback or private address (a wildcard DNS service, or a record
changed after the check), and the system's resolver reads addresses in spellings of its own.
So the session the actions send with resolves through this resolver, which refuses any
answer that is not a public address unless the name is one the bot trusts: a configured
Looker (on-premise instances live on private networks), an outbound proxy, a host listed in
``LOOKERBOT_RUDDERSTACK_PRIVATE_HOSTS``, or an emulator origin in tests and the demo.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from lookerbot.actions.endpoints import private_address


class PrivateAddressRefused(OSError):
    """A name the bot does not trust resolved to an address that is not public."""


class PublicOnlyResolver(AbstractResolver):
    """Resolves with the system's resolver; refuses private answers for untrusted names.

    Args:
        trusted_hosts: host names whose private addresses are expected.
    """

    def __init__(self, trusted_hosts: Iterable[str]) -> None:
        self._inner = ThreadedResolver()
        self._trusted = frozenset(h.lower().rstrip(".") for h in trusted_hosts if h)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if host.lower().rstrip(".") in self._trusted:
            return results
        for result in results:
            if private_address(str(result["host"])):
                raise PrivateAddressRefused(
                    f"{host} resolves to a private address: the actions call only public "
                    "hosts (LOOKERBOT_RUDDERSTACK_PRIVATE_HOSTS names private data planes)"
                )
        return results

    async def close(self) -> None:
        await self._inner.close()


def trusted_hosts(*urls: Any, names: Iterable[str] = ()) -> set[str]:
    """The host names of ``urls`` (strings; others are skipped), plus ``names``."""
    from urllib.parse import urlsplit

    hosts = {str(n) for n in names}
    for url in urls:
        if isinstance(url, str) and url:
            parsed = urlsplit(url if "://" in url else f"http://{url}")
            if parsed.hostname:
                hosts.add(parsed.hostname)
    return hosts
