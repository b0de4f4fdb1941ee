"""Every text a person sees from the bot, in one place.

Functions take values that came from Looker or from people and escape them; constants are
plain Slack mrkdwn.
"""

from __future__ import annotations

import random
from urllib.parse import quote

from lookerbot.formatting.slack_text import escape, link

BOT_NAME = "Lookerbot"

# -- loading messages (Lookerbot's, with their flags) ---------------------------------------

_LOADING = (
    ("us", "Just a second"),
    ("us", "Thinking"),
    ("ca", "On it"),
    ("us", "Working on it"),
    ("gb", "Queueing"),
    ("gb", "Having a think"),
    ("ca", "One moment please"),
    ("in", "Give me a minute"),
    ("pk", "Hold on"),
    ("ng", "Looking into it"),
    ("ph", "One sec"),
    ("ph", "Working it out"),
    ("us", "Hold please"),
    ("eg", "Wait a moment"),
    ("eg", "Hmm"),
    ("es", "Un momento, por favor"),
    ("mx", "Por favor espera"),
    ("de", "Bitte warten Sie einen Augenblick"),
    ("jp", "お待ちください"),
    ("ca", "Un moment s'il vous plait"),
    ("cn", "稍等一會兒"),
    ("nl", "Even geduld aub"),
    ("so", "Ka shaqeeya waxaa ku"),
    ("th", "กรุณารอสักครู่"),
    ("ru", "один момент, пожалуйста"),
    ("fi", "Hetkinen"),
    ("ro", "Lucrez la asta"),
    ("is", "Eitt andartak"),
    ("az", "Bir dəqiqə zəhmət olmasa"),
    ("ie", "Fán le do thoil"),
    ("ne", "कृपया पर्खनुहोस्"),
    ("in", "कृपया एक क्षण के लिए"),
)


def loading_message(*, development: bool = False, rng: random.Random | None = None) -> str:
    """One of Lookerbot's loading messages, with its flag linking to a translation."""
    country, text = (rng or random).choice(_LOADING)
    translate = f"https://translate.google.com/#auto/auto/{quote(text)}"
    message = f"<{translate}|:flag-{country}:> _{text}..._"
    return f"[DEVELOPMENT] {message}" if development else message


# -- errors --------------------------------------------------------------------------------


def warning(reason: str) -> str:
    """A known failure, as the user sees it."""
    return f":warning: {reason}"


def unexpected_error(error_id: str) -> str:
    """An unexpected failure: no details, only the id that finds them in the log."""
    return (
        ":warning: Something went wrong on my side and I couldn't finish that. "
        f"An admin can find the details in the bot's log under error id `{error_id}`."
    )


def looker_unreachable(looker_url: str, reason: str) -> str:
    return (
        f"I couldn't reach Looker at {escape(looker_url)} ({escape(reason)}). "
        "Try again in a minute; if it keeps happening, ask an admin to run `lookerbot check`."
    )


def looker_timeout(looker_url: str, seconds: float) -> str:
    return (
        f"Looker at {escape(looker_url)} didn't answer within {seconds:g} seconds. "
        "It may be busy: try again in a minute."
    )


def looker_login_failed(looker_url: str, detail: str) -> str:
    return (
        f"I couldn't log in to Looker at {escape(looker_url)}"
        + (f" (Looker said: {escape(detail)})" if detail else "")
        + ". An admin should check the bot's API client ID and secret with `lookerbot check`."
    )


def looker_forbidden(looker_url: str, detail: str) -> str:
    return (
        f"The bot's Looker user isn't allowed to do that on {escape(looker_url)}"
        + (f" (Looker said: {escape(detail)})" if detail else "")
        + ". Ask a Looker admin to grant it access."
    )


def looker_not_found(looker_url: str, detail: str) -> str:
    return (
        f"Looker at {escape(looker_url)} couldn't find that"
        + (f" (Looker said: {escape(detail)})" if detail else "")
        + ". It may have been deleted, or the bot's Looker user can't see it."
    )


def looker_rate_limited(looker_url: str) -> str:
    return f"Looker at {escape(looker_url)} is receiving too many requests. Try again in a minute."


def looker_server_error(looker_url: str, status: int, detail: str) -> str:
    return (
        f"Looker at {escape(looker_url)} had a problem (HTTP {status}"
        + (f": {escape(detail)}" if detail else "")
        + "). Try again in a minute."
    )


def looker_error(looker_url: str, status: int, detail: str) -> str:
    return f"Looker at {escape(looker_url)} answered HTTP {status}" + (
        f": {escape(detail)}" if detail else "."
    )


# -- help ----------------------------------------------------------------------------------

HELP_BUILTINS_TITLE = "Built-in commands"
HELP_FIND = (
    "• *find* _[look|dashboard] &lt;words&gt;_ — "
    "Shows the top five Looks and dashboards matching the search."
)
HELP_HELP = "• *help* — Shows this list."
HELP_FALLBACK = "Here's what I can do."


def help_add_commands(folder_links: list[str]) -> str:
    return f"_To add your own commands, add a dashboard to {' or '.join(folder_links)}._"


def folder_link(looker_url: str, folder_id: str, label: str = "this folder") -> str:
    return link(f"{looker_url}/folders/{quote(folder_id, safe='')}", label)


UNKNOWN_COMMAND = (
    ":crying_cat_face: I couldn't understand that command. "
    "You can use `help` to see the list of possible commands."
)

# -- find ----------------------------------------------------------------------------------

FIND_USAGE = (
    "Tell me what to look for, e.g. `find revenue`, `find look revenue` or `find dashboard sales`."
)
FIND_HEADING = "Matching Looks and dashboards:"


def find_no_match(query: str, kind: str | None) -> str:
    what = {"look": "Looks", "dashboard": "dashboards"}.get(kind or "", "Looks or dashboards")
    return f'No {what} match "{escape(query)}".'


def find_partial_failure(looker_url: str, reason: str) -> str:
    return f"_{escape(looker_url)} couldn't be searched: {reason}_"


# -- HTTP ----------------------------------------------------------------------------------

HEALTHY = "Healthy"
INVALID_SLACK_SIGNATURE = "Invalid or expired Slack request signature."
SLACK_BODY_TOO_LARGE = "Request body too large."
NOT_FOUND = "Not found."
METHOD_NOT_ALLOWED = "Method not allowed."
INTERNAL_ERROR = "Internal error."
