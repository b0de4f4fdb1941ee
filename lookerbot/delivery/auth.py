"""Authenticating Looker's requests: webhooks, data actions and the Action Hub.

Three ways, all compared in constant time:

- ``X-Looker-Webhook-Token``: the webhook token of the Looker instance the request is about
  (for requests about no particular instance, any configured instance's token);
- ``Authorization: Token token="<LOOKERBOT_AUTH_TOKEN>"``;
- ``Authorization: Token token="<nonce>/<hex HMAC-SHA512(LOOKERBOT_AUTH_TOKEN, nonce)>"``,
  the Action Hub's own form (a key generated once and pasted into Looker).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping

from lookerbot.looker.instances import LookerInstance
from lookerbot.settings import Secret

_TOKEN_HEADER = re.compile(r'^\s*token\s+token\s*=\s*"([^"]*)"\s*$', re.IGNORECASE)


def action_hub_key(secret: str, nonce: str) -> str:
    """An Action Hub key for ``nonce``: ``<nonce>/<hex HMAC-SHA512(secret, nonce)>``."""
    digest = hmac.new(secret.encode(), nonce.encode(), hashlib.sha512).hexdigest()
    return f"{nonce}/{digest}"


class LookerRequestAuth:
    """Decides whether a request really comes from a configured Looker.

    Args:
        auth_token: ``LOOKERBOT_AUTH_TOKEN``, if set.
    """

    def __init__(self, *, auth_token: Secret | None) -> None:
        self._auth_token = auth_token

    def authorization_ok(self, header: str | None) -> bool:
        """Whether an ``Authorization: Token token="..."`` header carries a valid token."""
        if self._auth_token is None or not header:
            return False
        match = _TOKEN_HEADER.match(header)
        if match is None:
            return False
        presented = match.group(1)
        if self._auth_token.matches(presented):
            return True
        nonce, slash, _ = presented.partition("/")
        if not slash or not nonce:
            return False
        expected = action_hub_key(self._auth_token.reveal(), nonce)
        return hmac.compare_digest(expected.encode(), presented.encode("utf-8", "surrogatepass"))

    @staticmethod
    def webhook_token_ok(header: str | None, lookers: Iterable[LookerInstance]) -> bool:
        """Whether ``X-Looker-Webhook-Token`` matches one of ``lookers``' tokens."""
        if not header:
            return False
        found = False
        for looker in lookers:
            token = looker.settings.webhook_token
            # No early exit: every configured token is compared, whatever matches.
            if token is not None and token.matches(header):
                found = True
        return found

    def hub_authorized(self, headers: Mapping[str, str]) -> bool:
        """Whether the request carries the bot's own token (the Action Hub's routes: a
        Looker webhook token, which Looker sends to any URL a schedule names, opens none)."""
        return self.authorization_ok(headers.get("Authorization"))

    def authorized(self, headers: Mapping[str, str], *, about: Iterable[LookerInstance]) -> bool:
        """Whether the request may act on ``about`` (the instance(s) it concerns)."""
        if self.authorization_ok(headers.get("Authorization")):
            return True
        return self.webhook_token_ok(headers.get("X-Looker-Webhook-Token"), about)
