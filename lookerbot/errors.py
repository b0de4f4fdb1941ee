"""The exceptions lookerbot raises on purpose.

::

    LookerbotError
     ├── SettingsError        configuration is invalid; lists every problem at once
     ├── StartupError         the bot cannot start as configured (exit 2, reason printed)
 │    └── PluginError     a LOOKERBOT_PLUGINS module failed to import or register
     ├── ImageStoreError      a chart image store failed; the chart goes to Slack as a file
     ├── CommandError         a known failure; its reason is shown to the user as ":warning: reason"
     │    └── LookerApiError  Looker answered with an error or could not be reached
     └── ActionError          an Action Hub action cannot go on; its reason goes back to Looker
          ├── ActionInputError  bad params, form values, field tags or payload (400)
          └── ResultError       the query result could not be read (download or JSON)

Anything else that escapes a command is a bug: it is logged with a traceback and an error id,
and the user sees only a short message carrying that id.
"""

from __future__ import annotations

from collections.abc import Sequence


class LookerbotError(Exception):
    """Root of every exception lookerbot raises deliberately."""


class SettingsError(LookerbotError):
    """The configuration is invalid.

    Args:
        problems: one line per problem, each naming the variable and what is wrong. No line
            ever contains a secret value.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class StartupError(LookerbotError):
    """The bot cannot start as configured: ``lookerbot serve`` prints the reason, exits 2.

    Args:
        reason: what went wrong, naming the setting.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class PluginError(StartupError):
    """A ``LOOKERBOT_PLUGINS`` module could not be imported or registered (its reason names
    the module): start-up stops."""


class ImageStoreError(LookerbotError):
    """An image store could not keep or serve a chart image.

    Args:
        reason: what went wrong and what an admin can do about it, in plain words. It is
            logged and printed by ``lookerbot check``, never shown in Slack, and never
            contains a secret.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class CommandError(LookerbotError):
    """A failure the user should hear about, in plain words.

    Args:
        reason: Slack mrkdwn shown to the user after ``:warning:``. Any text that came from
            Looker or from the user must already be escaped.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class LookerApiError(CommandError):
    """Looker answered a call with an error, or could not be reached.

    Args:
        reason: what to tell the user (already escaped for Slack).
        status: the HTTP status Looker answered with; ``None`` when no answer arrived.
        looker_message: Looker's own message, unescaped, for logs.
    """

    def __init__(self, reason: str, *, status: int | None, looker_message: str = "") -> None:
        super().__init__(reason)
        self.status = status
        self.looker_message = looker_message


class ActionError(LookerbotError):
    """An Action Hub action cannot go on; ``reason`` is what Looker is told.

    Args:
        reason: plain text for Looker's schedule history (no secrets).
        status: the HTTP status the execute or form route answers with.
    """

    status = 502

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        if status is not None:
            self.status = status


class ActionInputError(ActionError):
    """The request cannot be carried out as sent: nothing was sent anywhere.

    Args:
        errors: the problems, by the name of the param, form field or payload part they are
            about (the Action API's ``validation_errors``).
    """

    status = 400

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


class ResultError(ActionError):
    """The query result is not the JSON it should be (400), or could not be downloaded (502)."""

    status = 400
