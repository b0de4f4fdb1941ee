"""Slack mrkdwn helpers: escaping untrusted text, links, and reading what people type."""

from __future__ import annotations

import re

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Characters that change how text is displayed without being visible: zero-width spaces and
# joiners, the byte-order mark, and the bidirectional overrides and isolates.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def escape(text: object) -> str:
    """Make untrusted text safe to put in a Slack message.

    ``&``, ``<`` and ``>`` are escaped, so ``<!channel>``, ``<@U123>`` and ``<url|label>`` are
    shown as typed instead of pinging or linking; invisible direction and zero-width
    characters are removed so nothing can disguise itself.
    """
    return _INVISIBLE.sub("", str(text)).translate(_ESCAPES)


def link(url: str, label: object | None = None) -> str:
    """A Slack link to ``url`` showing ``label`` (escaped).

    ``|`` and ``>`` in the URL are percent-encoded so they cannot end the link early.
    """
    safe_url = _INVISIBLE.sub("", url).replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    if label is None:
        return f"<{safe_url}>"
    # Slack has no escape for "|" inside a label; a lookalike keeps the label intact.
    safe_label = escape(label).replace("|", "\u2223")
    return f"<{safe_url}|{safe_label}>"


def normalize_input(text: str, *, bot_user_id: str | None = None) -> str:
    """Turn the text of a Slack message into the command the person meant.

    Removes the bot's own mention, undoes Slack's ``&lt; &gt; &amp;`` escaping, straightens
    smart quotes and squeezes whitespace.
    """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = text.translate(_SMART_QUOTES)
    text = _INVISIBLE.sub("", text)
    return " ".join(text.split())
