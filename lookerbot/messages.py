"""Every text a person sees from the bot, in one place.

Functions take values that came from Looker or from people and escape them; constants are
plain Slack mrkdwn.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from urllib.parse import quote

from lookerbot.formatting.slack_text import escape, link

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


def no_looker_user(looker_url: str, email: str) -> str:
    return (
        f"There's no Looker user with your email ({escape(email)}) on {escape(looker_url)}, "
        "and this bot only runs requests as the person asking. Ask a Looker admin for an "
        "account with that email."
    )


def looker_user_disabled(looker_url: str) -> str:
    return (
        f"Your Looker user on {escape(looker_url)} is disabled, so I can't run this for you. "
        "Ask a Looker admin to enable it."
    )


def unconfirmed_slack_email(looker_url: str) -> str:
    return (
        "Slack hasn't confirmed your email address, and you're not a member of this "
        f"workspace, so I can't use it to find your Looker user on {escape(looker_url)}."
    )


def no_slack_email(looker_url: str) -> str:
    return (
        f"I can't see your email address in Slack, which I need to find your Looker user on "
        f"{escape(looker_url)}. The bot needs the users:read.email scope."
    )


def looker_sudo_failed(looker_url: str, detail: str) -> str:
    return (
        f"The bot couldn't act as your Looker user on {escape(looker_url)}"
        + (f" (Looker said: {escape(detail)})" if detail else "")
        + ". Acting as users needs an admin API user; an admin can check with `lookerbot check`."
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


def cannot_attach(title: str, error: str) -> str:
    if error in ("not_in_channel", "channel_not_found"):
        return (
            f"I couldn't attach _{escape(title)}_ here because I'm not in this conversation. "
            "Invite me (`/invite @looker`) to get files here too."
        )
    return f"I couldn't attach _{escape(title)}_ here (Slack said: {escape(error)})."


# -- charts ----------------------------------------------------------------------------------


def render_failed(what: str, detail: str) -> str:
    reason = f": {escape(detail)}" if detail else "; it gave no reason"
    return f"Looker couldn't render {what}{reason}."


def render_timed_out(what: str, seconds: float) -> str:
    return (
        f"Looker didn't finish rendering {what} within {seconds:g} seconds. "
        "Try again later, or open it in Looker."
    )


def render_empty(what: str) -> str:
    return (
        f"Looker rendered {what} as an empty image. Rendering needs Looker's PDF and image "
        "rendering to be enabled on the instance."
    )


def chart_not_shown(vis_type: str) -> str:
    kind = vis_type.removeprefix("looker_").replace("_", " ")
    return f"_A {escape(kind)} chart: open it in Looker to see it._"


CHART_UNAVAILABLE = "_The chart couldn't be shown here: open it in Looker to see it._"


def explore_title(model: str, view: str) -> str:
    return f"Explore {model}/{view}" if model else "Looker query"


def tile_count(count: int) -> str:
    return f"{count} tile{'s' if count != 1 else ''}"


def filter_list(titles: list[str]) -> str:
    return "Filters: " + ", ".join(escape(t) for t in titles)


def look_without_query(title: str) -> str:
    return f"The Look _{escape(title)}_ has no query to run."


# -- who may ask ---------------------------------------------------------------------------


def refused_guest(name: str) -> str:
    return f"Sorry @{escape(name)}, as a guest user you're not able to use this command."


def refused_other_workspace(name: str) -> str:
    return (
        f"Sorry @{escape(name)}, as a user from another workspace you're not able to use "
        "this command."
    )


def refused_bot(name: str) -> str:
    return f"Sorry @{escape(name)}, as a bot you're not able to use this command."


def refused_deactivated(name: str) -> str:
    return f"Sorry @{escape(name)}, deactivated accounts can't use this command."


def user_lookup_failed(error: str) -> str:
    return f"Could not fetch your user info from Slack ({escape(error)}). Try again in a minute."


# -- help ----------------------------------------------------------------------------------

HELP_BUILTINS_TITLE = "Built-in commands"
HELP_FIND = (
    "• *find* _[look|dashboard] &lt;words&gt;_ — "
    "Shows the top five Looks and dashboards matching the search."
)
HELP_HELP = "• *help* — Shows this list."
HELP_SUBSCRIPTIONS = (
    "• *subscriptions* — Lists this channel's subscriptions and yours "
    "(press *Subscribe here* under an answer to add one)."
)
HELP_FALLBACK = "Here's what I can do."


def help_no_match(words: str) -> str:
    return f'No commands match "{escape(words)}". Try `help` for all of them.'


def help_more_commands(count: int) -> str:
    return f"_… and {count} more. Try `help &lt;word&gt;` to list only some._"


def help_add_commands(folder_links: list[str]) -> str:
    return f"_To add your own commands, add a dashboard to {' or '.join(folder_links)}._"


def folder_link(looker_url: str, folder_id: str, label: str = "this folder") -> str:
    return link(f"{looker_url}/folders/{quote(folder_id, safe='')}", label)


HELP_ASK = (
    "• *ask* _&lt;question&gt;_ — Answers a question in plain words with a Looker query, "
    "e.g. `ask total revenue by region last month`."
)
HELP_ASK_DM = "_In a direct message, just type the question._"
HELP_ASK_FOLLOW_UP = (
    "_Reply in an answer's thread to refine it: `now by month`, `only the West`, "
    "`top 10 instead`, `why?`, `as a chart`._"
)

UNKNOWN_COMMAND = (
    ":crying_cat_face: I couldn't understand that command. "
    "You can use `help` to see the list of possible commands."
)

# -- custom commands -------------------------------------------------------------------------


def unknown_filter(command: str, name: str, valid: list[str]) -> str:
    if not valid:
        return f"*{escape(command)}* has no filters, so `{escape(name)}:` can't be set."
    listed = ", ".join(f"`{escape(v.lower())}`" for v in valid)
    return f"*{escape(command)}* has no filter called `{escape(name)}`. Its filters: {listed}."


def command_takes_no_filters(command: str) -> str:
    return f"*{escape(command)}* has no filters. Try `{escape(command)}` on its own."


def command_dashboard_gone(command: str) -> str:
    return (
        f"The dashboard behind *{escape(command)}* no longer exists or was moved, so it's no "
        "longer a command. Use `help` to see the current ones."
    )


def dashboard_without_tiles(title: str) -> str:
    return f"The dashboard _{escape(title)}_ has no tiles with data to show."


def did_you_mean(suggestions: list[str]) -> str:
    names = ", ".join(f"`{escape(s)}`" for s in suggestions)
    return f"Did you mean {names}?"


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


# -- deliveries (answers to Looker keep Lookerbot's texts) ----------------------------------

CHANNEL_NOT_SPECIFIED = "Channel not specified."
NO_SCHEDULED_PLAN = "No scheduled plan in payload."
UNKNOWN_LOOKER = "Requested data is from an unknown Looker."
NO_QUERY_OR_LOOK = "Scheduled plan does not have a query_id or a parsable Look URL."
INVALID_AUTHORIZATION = "Invalid authorization headers."
INVALID_JSON = "The request body is not valid JSON."
NOT_AN_OBJECT = "The request body must be a JSON object."
UNKNOWN_DESTINATION_TYPE = (
    "Unknown destination type: post to /slack/post/channel/<name>, /slack/post/group/<name> "
    "or /slack/post/dm/<name>."
)
PUBLIC_URL_MISSING = (
    "LOOKERBOT_PUBLIC_URL is not set, so the bot cannot tell Looker where its actions live."
)


def plan_type_unsupported(kind: str) -> str:
    return f"Scheduled plan type {kind} not supported."


def field_must_be(field: str, kind: str) -> str:
    return f"{field} must be {kind}."


def channel_not_found(name: str) -> str:
    return f"No channel #{name} found (or it is archived)."


def private_channel_not_found(name: str) -> str:
    return (
        f"No private channel #{name} that the bot is in. Invite it with /invite @looker in "
        "that channel."
    )


def not_in_private_channel(name: str) -> str:
    return f"The bot is not in the private channel #{name}. Invite it with /invite @looker."


def cannot_join(name: str, error: str) -> str:
    return f"The bot could not join #{name} to post there (Slack said: {error})."


def person_not_found(name: str) -> str:
    return f"No Slack user {name} found (give a user name or email address)."


def cannot_open_dm(name: str, error: str) -> str:
    return f"The bot could not open a DM with @{name} (Slack said: {error})."


def slack_refused(label: str, error: str) -> str:
    return f"Slack refused the post to {label}: {error}."


def delivered(what: str, label: str) -> str:
    return f"Sent {what} to {label}."


def still_delivering(what: str, label: str) -> str:
    return (
        f"Sending {what} to {label}; it is taking a while, so the outcome will be in the bot's log."
    )


def data_action_sent(label: str) -> str:
    return f"Sent message to {label}!"


# -- data action buttons ---------------------------------------------------------------------


def data_action_done(message: str) -> str:
    text = escape(message.strip()) if message.strip() else "Done"
    return f":white_check_mark: {text.rstrip('!.')}!"


def data_action_failed(message: str) -> str:
    text = (
        escape(message.strip()) if message.strip() else "Something went wrong performing the action"
    )
    return f":x: {text.rstrip('.')}."


def data_action_error(reason: str) -> str:
    return f":warning: Couldn't perform the action: {reason}"


UNKNOWN_LOOKER_IN_BUTTON = "This button belongs to a Looker the bot no longer knows."
FORM_LOADING = "Getting the form from Looker…"
INTERRUPTED = "I was restarted before I could answer this. Please ask again; sorry for the wait."
FORM_SENDING = "Sending…"


# -- HTTP ----------------------------------------------------------------------------------

HEALTHY = "Healthy"
INVALID_SLACK_SIGNATURE = "Invalid or expired Slack request signature."
UNSUPPORTED_SLACK_PAYLOAD = "Not a Slack event, command or interaction this bot handles."
SLACK_IDENTITY_UNAVAILABLE = (
    "The bot could not ask Slack who it is (auth.test failed); deliver the event again later."
)


def body_refused(status: int, limit: int) -> str:
    """Why a request body was not read: over the route's limit (413) or too slow (408)."""
    if status == 408:
        return "The request body took too long to arrive."
    size = f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
    return f"The request body is larger than this route accepts ({size})."


WEBHOOKS_OFF = (
    "Looker webhooks and LookML data actions are turned off on this bot "
    "(LOOKERBOT_WEBHOOKS=false, the default with run-as): deliver through the Action Hub."
)
METRICS_OFF = (
    "Metrics are off: set LOOKERBOT_METRICS_TOKEN and send it as Authorization: Bearer <token>."
)
METRICS_UNAUTHORIZED = "Metrics need Authorization: Bearer <LOOKERBOT_METRICS_TOKEN>."
NOT_FOUND = "Not found."
METHOD_NOT_ALLOWED = "Method not allowed."
INTERNAL_ERROR = "Internal error."


# -- ask -----------------------------------------------------------------------------------

ASK_OFF = (
    "Asking questions is off. A Looker admin can turn it on by listing the Explores I may "
    "answer from in `LOOKERBOT_ASK_EXPLORES` (e.g. `thelook/orders`), or `askExplores` in "
    "`LOOKERS`."
)
ASK_DM_HINT = "You can also ask me a question, e.g. `total revenue by region last month`."
ASK_USAGE = "Ask me a question about your data, e.g. `ask total revenue by region last month`."
ASK_OPEN_EXPLORE = "Open in Explore to check or change it"
ASK_READ_BY_MODEL = "_Read by a language model, then checked against the Explore's fields._"


def ask_heading(description: str) -> str:
    return f":mag: *{escape(description)}*"


ASSISTANT_HELLO = (
    "Hi! Ask me about your data in plain words, and follow up in this thread "
    "(\u201cnow by month\u201d, \u201conly the West\u201d, \u201cwhy?\u201d). "
    "Type `help` for your team's commands."
)
ASSISTANT_TRY = "Try asking"
ASK_WHICH_EXPLORE = "Your question fits more than one Explore equally. Which did you mean?"


def ask_no_event_date(verb: str, date_name: str) -> str:
    """``verb`` is a participle ("resolved") or, from "by cancellation month", a noun."""
    when = (
        f"when something was *{escape(verb)}*"
        if verb.lower().endswith("ed")
        else f"the date of each *{escape(verb)}*"
    )
    return (
        f"I can't tell {when}: the only date I can filter on is *{escape(date_name)}*. Ask "
        "about that date instead, or ask your Looker admin for the date you need."
    )


def ask_before_data(period: str, first_day: str, explore: str, date_name: str) -> str:
    return (
        f"There's nothing {escape(period)} to show: {escape(explore)} starts on "
        f"{escape(first_day)} (its first *{escape(date_name)}*). Ask about a period since then."
    )


def ask_no_new(things: str, date_name: str) -> str:
    return (
        f"I can't tell which *{escape(things)}* are new: the only date I can filter on is "
        f"*{escape(date_name)}*, not when they first came. Ask about that date instead, or "
        "ask your Looker admin for the date you need."
    )


def ask_why_heading(label: str, key: str) -> str:
    return f"I read your question against the *{escape(label)}* Explore (`{escape(key)}`):"


def ask_why_field(label: str, name: str, measure: bool) -> str:
    kind = "measure" if measure else "dimension"
    return f"• {kind} *{escape(label)}* (`{escape(name)}`)"


def ask_why_filter(words: str, name: str) -> str:
    return f"• filter: {escape(words)} (`{escape(name)}`)"


def ask_why_sorts(sorts: str, limit: int | None) -> str:
    rows = f", first {limit} rows" if limit is not None else ""
    return f"• sorted by `{escape(sorts)}`{rows}"


def ask_which_one(phrase: str) -> str:
    return f'Which one did you mean by "{escape(phrase)}"?'


def ask_which_measure(phrase: str) -> str:
    return f'"{escape(phrase)}" by which measure?'


def ask_candidate(label: str, description: str) -> str:
    text = f"*{escape(label)}*"
    return f"{text}: {escape(description)}" if description else text


def ask_picked(user_id: str, label: str) -> str:
    return f"<@{escape(user_id)}> picked *{escape(label)}*."


def _listed(items: list[str]) -> str:
    return ", ".join(f"*{escape(i)}*" for i in items)


def ask_not_understood(unknown: list[str], known: list[str], explore: str) -> str:
    words = ", ".join(f"`{escape(w)}`" for w in unknown)
    return (
        f"I didn't understand {words} in that question. I know about {_listed(known)}, and "
        f"more in {escape(explore)}."
    )


def ask_nothing_understood(known: list[str], explore: str) -> str:
    return (
        f"I couldn't find anything to show in that question. {escape(explore)} has "
        f"{_listed(known)}, for example: `total revenue by region last month`."
    )


def ask_why_not_kept(explore: str, known: list[str]) -> str:
    return (
        f"I can show what happened, not why: {escape(explore)} keeps no reasons or causes. "
        f"Ask for the numbers behind it instead, such as {_listed(known)}."
    )


def ask_two_questions(count: int) -> str:
    return (
        f"That's {count} questions in one message. Ask them one at a time, or ask the next one "
        "in the thread of my answer."
    )


def ask_no_fields(known: list[str]) -> str:
    return (
        "I understood the filters but not what to show for them. Name a measure or a "
        f"dimension, such as {_listed(known)}."
    )


def ask_no_count(what: str, known: list[str]) -> str:
    return (
        f"I can't count {escape(what)}: there is no count of them in the Explore. "
        f"Try one of {_listed(known)}."
    )


def ask_no_timeframe(known: list[str]) -> str:
    return f"The Explore has no such time period to group by. It has {_listed(known)}."


def ask_explores_unavailable(explores: list[str], reason: str) -> str:
    return f"I couldn't read the Explore {escape(', '.join(explores))} from Looker: {reason}"


def ask_question_gone() -> str:
    return "That question can't be answered any more (the Explore changed). Please ask again."


# -- Action Hub actions (Braze, RudderStack): plain text for Looker's schedule history -------

ACTION_NO_DATA = (
    "The request carries no query result: expected scheduled_plan.download_url or "
    "attachment.data (json_detail)."
)
RESULT_NOT_JSON_DETAIL = "The query result is not json_detail JSON (it does not start with '{')."
RESULT_NOT_UTF8 = "The query result is not UTF-8 text."
RESULT_FIELDS_MISSING = "The query result has no fields: send it as json_detail."
RESULT_FIELDS_INVALID = "The query result's fields are not json_detail field descriptions."
RESULT_FIELDS_AFTER_ROWS = (
    "The query result lists its rows before its fields, so it cannot be streamed: send it as "
    "json_detail or json_detail_lite_stream."
)
RESULT_DATA_NOT_A_LIST = "The query result's data is not a list of rows."
RESULT_ROW_NOT_OBJECT = "A row of the query result is not a JSON object."


def result_bad_json(detail: str, rows: int) -> str:
    return f"The query result is not valid JSON after row {rows:,}: {detail}."


def result_truncated(rows: int) -> str:
    return f"The query result ended early, after row {rows:,}."


def result_value_too_large(limit: int, rows: int) -> str:
    return (
        f"A value of the query result after row {rows:,} is larger than "
        f"{limit // (1024 * 1024)} MiB."
    )


def download_refused(status: int) -> str:
    return (
        f"Looker answered {status} to the result's download_url (it can be used only once and "
        "expires after an hour)."
    )


def download_broke(error: str) -> str:
    return f"Downloading the query result from Looker failed ({error})."


ACTION_BODY_NOT_OBJECT = "The request body must be a JSON object (the Action API's payload)."
DOWNLOAD_URL_INVALID = "scheduled_plan.download_url must be an http(s) URL without credentials."
DOWNLOAD_URL_NOT_LOOKER = (
    "scheduled_plan.download_url must point to one of the bot's Looker instances (LOOKER_URL, "
    "LOOKER_API_BASE_URL or LOOKERS); the bot downloads results from nowhere else."
)
BRAZE_ENDPOINT_INVALID = (
    "The Braze REST API Endpoint must be your instance's REST endpoint, an https URL like "
    "https://rest.iad-01.braze.com (rest.<cluster>.braze.com or .braze.eu, nothing after the "
    "host)."
)
BRAZE_KEY_INVALID = "Unique Key must be external_id or braze_id."
BRAZE_ID_MISSING = (
    'No field is tagged braze_id: add tags: ["braze_id"] to the dimension holding the user\'s '
    "id (external_id or braze_id) and include it in the query."
)
BRAZE_PIVOTED = "Braze cannot take pivoted results: remove the pivot and send again."
RUDDERSTACK_URL_INVALID = (
    "The RudderStack Data Plane URL must be an https URL like https://hosted.rudderlabs.com, "
    "without a user name, password, query or fragment."
)
RUDDERSTACK_URL_PRIVATE = (
    "The RudderStack Data Plane URL must not be a loopback, private or link-local address; "
    "a self-hosted data plane on a private network must be named in "
    "LOOKERBOT_RUDDERSTACK_PRIVATE_HOSTS on the bot."
)
RUDDERSTACK_EVENT_MISSING = "Event Name is required: the name of the event each row becomes."
RUDDERSTACK_IDENTIFIER_MISSING = (
    "No field identifies the user: tag one field user_id, email or rudder_anonymous_id and "
    "include it in the query."
)
RUDDERSTACK_GROUP_ID_MISSING = (
    "No field is tagged rudder_group_id: Group needs the group's id in a field with that tag."
)


def param_missing(label: str, name: str) -> str:
    return f"{label} ({name}) is required: set it in Looker's Admin > Actions."


def action_type_unsupported(kind: str) -> str:
    return f'This action takes requests of type "query", not "{kind}".'


def action_body_too_large(limit: int) -> str:
    return (
        f"The request body is larger than {limit // (1024 * 1024)} MiB: let Looker stream the "
        "result (the action supports download URLs)."
    )


def action_crashed(error_id: str) -> str:
    return f"Internal error (error id {error_id}); what was sent is in the bot's log."


def unknown_action(name: str, known: list[str]) -> str:
    return f"No action named {name!r} here; this Action Hub has: {', '.join(known)}."


def tag_on_several(tag: str, fields: list[str]) -> str:
    return f"Only one field may be tagged {tag}; these are: {', '.join(fields)}."


def braze_tag_malformed(tag: str, field: str) -> str:
    return (
        f'The tag "{tag}" on {field} is not braze[<attribute>]: put the Braze attribute\'s '
        'name in the brackets, e.g. "braze[first_name]".'
    )


def braze_attribute_reserved(tag: str, field: str) -> str:
    return (
        f'The tag "{tag}" on {field} names an attribute the action sets itself (external_id, '
        "braze_id, user_alias, _update_existing_only, looker_export): use another attribute."
    )


def braze_label_invalid(limit: int) -> str:
    return f"Export Label must be text of at most {limit} characters."


def braze_rows_skipped(count: int, field: str) -> str:
    return f"Skipped {count:,} {_rows(count)} with no value in {field} (tagged braze_id)."


def rudderstack_rows_skipped(count: int) -> str:
    return f"Skipped {count:,} {_rows(count)} with no user (or group) id."


def batch_unreachable(service: str, error: str) -> str:
    return f"{service} could not be reached ({error})"


def batch_refused(service: str, status: int, detail: str) -> str:
    return f"{service} answered {status}" + (f" ({detail})" if detail else "")


def batch_gave_up(reason: str, attempts: int) -> str:
    return f"{reason}, {attempts} attempts"


def batch_stopped(reason: str) -> str:
    return (
        f"{reason}, not retried once the run had stopped"
        if reason
        else "not sent: the run had stopped"
    )


def credentials_refused(service: str, status: int, detail: str) -> str:
    shown = f": {detail}" if detail else ""
    return (
        f"{service} refused the credentials ({status}{shown}); check the action's settings in "
        "Looker's Admin > Actions."
    )


def batches_failed_in_a_row(count: int) -> str:
    return f"{count} batches in a row failed, so the rest of the result was not sent."


def _rows(count: int) -> str:
    return "row" if count == 1 else "rows"


def _batches(count: int) -> str:
    return "batch" if count == 1 else "batches"


MAX_FAILED_BATCHES_SHOWN = 10


class BatchFailureFacts(Protocol):
    """What :func:`batch_outcome` reads of one failed batch (plain values, so this module
    depends on nothing of the actions that report them)."""

    @property
    def number(self) -> int: ...
    @property
    def first_row(self) -> int: ...
    @property
    def last_row(self) -> int: ...
    @property
    def reason(self) -> str: ...


class BatchFacts(Protocol):
    """What :func:`batch_outcome` reads of a Braze or RudderStack run."""

    @property
    def service(self) -> str: ...
    @property
    def rows_read(self) -> int: ...
    @property
    def rows_skipped(self) -> int: ...
    @property
    def rows_sent(self) -> int: ...
    @property
    def batches(self) -> int: ...
    @property
    def failures(self) -> Sequence[BatchFailureFacts]: ...
    @property
    def stopped(self) -> str | None: ...
    @property
    def capped(self) -> int | None: ...


def batch_outcome(report: BatchFacts, *, skipped: str) -> str:
    """What a Braze or RudderStack run did, for Looker's schedule history."""
    service = report.service
    to_send = report.rows_read - report.rows_skipped
    parts: list[str] = []
    if report.rows_sent == to_send and not report.failures:
        parts.append(
            f"Sent {report.rows_sent:,} {_rows(report.rows_sent)} to {service} in "
            f"{report.batches:,} {_batches(report.batches)}."
        )
    else:
        of = f"{to_send:,} {_rows(to_send)}"
        if report.stopped:
            of = f"the {of} read"
        parts.append(
            f"Sent {report.rows_sent:,} of {of} to {service}"
            f" ({report.batches:,} {_batches(report.batches)})."
        )
    if report.failures:
        failures = sorted(report.failures, key=lambda f: f.number)
        shown = "; ".join(
            f"batch {f.number} (rows {f.first_row:,}–{f.last_row:,}): {f.reason}"
            for f in failures[:MAX_FAILED_BATCHES_SHOWN]
        )
        more = len(failures) - MAX_FAILED_BATCHES_SHOWN
        if more > 0:
            shown += f"; and {more:,} more"
        parts.append(
            f"{len(failures):,} of {report.batches:,} {_batches(report.batches)} failed: {shown}."
        )
    if report.stopped:
        parts.append(f"Stopped early: {report.stopped}")
    if report.capped is not None:
        parts.append(
            f"Stopped after {report.capped:,} rows, the most {service} takes per run: the rest "
            "of the result was not sent."
        )
    if report.rows_skipped:
        parts.append(skipped)
    return " ".join(parts)


# -- answers: buttons, filters in place, subscriptions, the Home tab -----------------------

ANSWER_REFRESH = "Refresh"
ANSWER_AS_TABLE = "Table"
ANSWER_AS_CHART = "Chart"
ANSWER_CSV = "CSV"
ANSWER_OPEN = "Open in Looker"
ANSWER_SUBSCRIBE = "Subscribe here"
ANSWER_GONE = "That answer can't be run again: the button no longer says what it showed. Ask again."
SUBSCRIBE_TO_CHANNEL = "This channel"
SUBSCRIBE_TO_DM = "A DM to me"
SUBSCRIPTION_PAUSED = "paused"
NO_SUBSCRIPTIONS = "No subscriptions yet. Press *Subscribe here* under an answer to add one."
HOME_TITLE = "Looker"
HOME_REFRESH = "Refresh"
HOME_COMMANDS = "Your commands"
HOME_NO_COMMANDS = "No commands yet: dashboards in the commands folder become commands."
HOME_SUBSCRIPTIONS = "Your subscriptions"
SUBSCRIPTIONS_OFF = (
    "Subscriptions need the bot's public address (`LOOKERBOT_PUBLIC_URL`) and a way for "
    "Looker to deliver to it: the Action Hub (`LOOKERBOT_AUTH_TOKEN`) or the webhook route "
    "(`LOOKERBOT_WEBHOOKS`)."
)
SAVED_FOR_SUBSCRIPTION = (
    "Saved from Slack by Lookerbot for a subscription: the subscription sends this Look."
)


def no_personal_folder(who: str) -> str:
    return (
        f"{who} has no personal folder in Looker to save this answer in, so it cannot be "
        "subscribed to. A Looker admin can give the user one."
    )


def saved_look_note(run_as: bool) -> str:
    whose = "your" if run_as else "the API user's"
    return (
        f"This answer is saved as a Look in {whose} personal folder in Looker; it is sent "
        "as a table."
    )


SUBSCRIBE_PICK_DAY = "Choose the day of the week."
SUBSCRIPTION_NOT_OURS = "That scheduled plan does not deliver to this bot."

_DAY_NAMES = {
    "0": "Sunday",
    "1": "Monday",
    "2": "Tuesday",
    "3": "Wednesday",
    "4": "Thursday",
    "5": "Friday",
    "6": "Saturday",
    "7": "Sunday",
}


def describe_schedule(crontab: str, timezone: str) -> str:
    """A crontab in words: "every weekday at 09:00 (Europe/Amsterdam)"; one the bot did not
    write is shown as it is."""
    zone = f" ({timezone})" if timezone else ""
    parts = crontab.split()
    if len(parts) == 5 and parts[0].isdigit() and parts[1].isdigit():
        minute, hour, day, month, weekday = parts
        at = f"at {int(hour):02d}:{int(minute):02d}{zone}"
        if (day, month, weekday) == ("*", "*", "*"):
            return f"Every day {at}"
        if (day, month, weekday) == ("*", "*", "1-5"):
            return f"Every weekday {at}"
        if (day, month) == ("*", "*") and weekday in _DAY_NAMES:
            return f"Every {_DAY_NAMES[weekday]} {at}"
        if (day, month, weekday) == ("1", "*", "*"):
            return f"On the 1st of every month {at}"
    return f"On the schedule `{crontab}`{zone}"


def slack_date(iso: str) -> str:
    """An ISO time as Slack shows it in each reader's own time zone."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{iso}>"


def subscription_facts(next_run: str, owner: str) -> str:
    return f"Next: {next_run} · Owner: {owner}"


def more_subscriptions(count: int) -> str:
    return f"_… and {count} more subscription{'s' if count != 1 else ''} not shown here._"


def more_commands_home(count: int) -> str:
    return f"_… and {count} more commands: type `help` to see them all._"


def refreshed(user: str, when: int) -> str:
    return f"Refreshed by <@{user}> <!date^{when}^{{date_short_pretty}} at {{time}}|just now>"


def csv_title(title: str, rows: int) -> str:
    return f"{title} (all {rows:,} rows)"


def owner_note(run_as: bool, api_user: str) -> str:
    if run_as:
        return (
            "Looker will own this subscription as you, and send it with your data and permissions."
        )
    return (
        f"Looker will own this subscription as the bot's API user ({api_user}) and send "
        "what that user may see, as the bot's other answers do."
    )


def subscribed(title: str, when: str, where: str) -> str:
    return (
        f":white_check_mark: Subscribed: *{title}*, {when[:1].lower()}{when[1:]}, to {where}. "
        "See and change subscriptions with `subscriptions` or in the bot's Home tab."
    )


def subscription_changed(action: str, title: str) -> str:
    done = {
        "pause": "Paused",
        "resume": "Resumed",
        "send": "Sending now",
        "delete": "Deleted",
    }.get(action, "Changed")
    return f"{done}: *{title}*."


def subscription_not_yours(title: str, run_as: bool) -> str:
    who = "its owner or a Looker admin" if run_as else "the person who subscribed"
    return f"Only {who} can change *{title}*."


def subscriptions_heading(where: str) -> str:
    return f"*Subscriptions* in {where} and your own"


def home_identity_run_as(name: str, host: str) -> str:
    return f"On {host}, the bot answers you as your Looker user *{name}*: you see your data."


def home_identity_api_user(name: str, host: str) -> str:
    return (
        f"On {host}, the bot answers everyone as its API user *{name}*: everyone sees the "
        "same data."
    )


ANSWER_NO_CSV = (
    "This answer has no table to download: it is a whole dashboard, or its query failed."
)
ANSWER_CSV_PRIVATE = (
    "A CSV can't be attached to a private answer (Slack has no private files in channels). "
    "Ask in a DM with the bot, or without a slash command."
)


def subscriptions_fallback(count: int) -> str:
    return f"{count} subscription{'s' if count != 1 else ''}"


SUBSCRIPTIONS_NEED_HUB = (
    "Looker has no way to deliver to this bot: connect it as an Action Hub in Looker "
    "(Admin > Actions, with LOOKERBOT_PUBLIC_URL and LOOKERBOT_AUTH_TOKEN), or turn on "
    "LOOKERBOT_WEBHOOKS."
)
