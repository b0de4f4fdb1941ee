"""Verifying that a request really comes from Slack, before anything reads it.

Slack signs each request: ``X-Slack-Signature`` is ``v0=`` and the hex HMAC-SHA256 of
``v0:<timestamp>:<body>`` under the app's signing secret, and ``X-Slack-Request-Timestamp``
must be within five minutes of now, so a captured request cannot be replayed later.
Deployments that still have only the old verification token (``SLACK_SLASH_COMMAND_TOKEN``)
are checked against the token in the payload instead.

Bolt's own verification is turned off: it logs the body of a rejected request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs

from lookerbot.settings import Secret

MAX_AGE_SECONDS = 300


class SlackRequestVerifier:
    """Checks a request's signature (or, failing a signing secret, its legacy token).

    Args:
        signing_secret: the app's signing secret.
        verification_token: the deprecated verification token, used only when there is no
            signing secret.
        clock: seconds since the epoch (tests move it).
    """

    def __init__(
        self,
        *,
        signing_secret: Secret | None,
        verification_token: Secret | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = signing_secret
        self._token = verification_token
        self._clock = clock

    def verify(self, body: bytes, headers: Mapping[str, str]) -> bool:
        """Whether the request is Slack's. Constant-time; never raises."""
        if self._secret is not None:
            return self._verify_signature(self._secret, body, headers)
        if self._token is not None:
            return self._token.matches(_payload_token(body))
        return False

    def _verify_signature(self, secret: Secret, body: bytes, headers: Mapping[str, str]) -> bool:
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
            return False
        if abs(self._clock() - int(timestamp)) > MAX_AGE_SECONDS:
            return False
        expected = sign(secret.reveal(), timestamp, body)
        return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's ``v0`` signature of a request body."""
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def _payload_token(body: bytes) -> str | None:
    """The ``token`` field of a JSON event, a slash command form, or an interactivity form."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        token = data.get("token") if isinstance(data, dict) else None
        return token if isinstance(token, str) else None
    form = parse_qs(text)
    if "payload" in form:
        try:
            data = json.loads(form["payload"][0])
        except ValueError:
            return None
        token = data.get("token") if isinstance(data, dict) else None
        return token if isinstance(token, str) else None
    tokens = form.get("token")
    return tokens[0] if tokens else None
