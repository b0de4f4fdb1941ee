"""ask <question>: a question in plain words, answered with a Looker query.

The question is read against the Explores the admin allows (``LOOKERBOT_ASK_EXPLORES``, or
``askExplores`` per instance): by a language model first when one is configured, else (or
when it fails) by the deterministic parser. The answer says what was run in words, shows the
result like any command, and links to the Explore. When two fields fit equally, the bot asks
back with a button per candidate (see :mod:`lookerbot.slack.ask_listeners`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lookerbot import messages
from lookerbot.answers.refs import Answer, AnswerRef
from lookerbot.ask.catalog import AskCatalog, LoadedExplore
from lookerbot.ask.followup import AS_CHART, WHY, Previous, refine
from lookerbot.ask.llm import LlmReader
from lookerbot.ask.message import read_message
from lookerbot.ask.parser import clip
from lookerbot.ask.spec import Ambiguity, NotUnderstood, QuerySpec, filter_words, vis_for
from lookerbot.commands.base import CommandRequest, Reply, Source
from lookerbot.content import ContentRunner, shown_as
from lookerbot.errors import CommandError, LookerApiError
from lookerbot.formatting.message import Block, Message, context, section
from lookerbot.formatting.results import ResultLink
from lookerbot.formatting.slack_text import escape
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import Query

logger = logging.getLogger(__name__)

THREAD_KIND = "ask"
"""The kind of thread state an ask answer leaves (see :meth:`AskCommand.follow_up`)."""
ACTION_PREFIX = "ask:"
"""Every ask button's ``action_id`` starts with this (``ask:pick:<n>``)."""
MAX_BUTTON_VALUE = 2000  # Slack's limit for a button's value


class AskNotUnderstood(CommandError):
    """The question fits nothing (or not everything) in the Explores.

    Args:
        reason: what to tell the person.
        nothing_known: not one word of the question fit anything.
    """

    def __init__(self, reason: str, *, nothing_known: bool) -> None:
        super().__init__(reason)
        self.nothing_known = nothing_known


@dataclass(frozen=True)
class Pick:
    """What an ambiguity button carries: the question and every field picked so far.

    Attributes:
        question: the question as asked.
        prefer: field names picked.
        looker_url: the instance the question was read against.
        explore: ``model/explore`` it was read against.
        via_slash: asked with the slash command (answer through the response URL).
    """

    question: str
    prefer: tuple[str, ...]
    looker_url: str
    explore: str
    via_slash: bool = False

    def value(self) -> str:
        """The button's value (JSON; Slack allows 2,000 characters)."""
        data = {
            "q": self.question,
            "p": list(self.prefer),
            "l": self.looker_url,
            "x": self.explore,
            "s": 1 if self.via_slash else 0,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_value(cls, value: str) -> Pick | None:
        """Read a button's value back; ``None`` when it is not one of ours."""
        try:
            data = json.loads(value)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        question, prefer = data.get("q"), data.get("p")
        looker_url, explore = data.get("l"), data.get("x")
        if not (
            isinstance(question, str)
            and isinstance(looker_url, str)
            and isinstance(explore, str)
            and isinstance(prefer, list)
            and all(isinstance(p, str) for p in prefer)
        ):
            return None
        return cls(
            clip(question),
            tuple(prefer[:10]),
            looker_url,
            explore,
            data.get("s") == 1,
        )


class AskCommand:
    """Answers a question in plain words with a Looker query (a
    :class:`~lookerbot.commands.base.Command`).

    Args:
        lookers: the instances; those with ask Explores answer questions.
        catalog: caches the Explores and their values.
        runner: runs the query and formats the result.
        llm: a language model to read questions first, if configured.
        today: today's date (relative dates like "in March" count from it).
    """

    name = "ask"
    slow = True

    def __init__(
        self,
        *,
        lookers: LookerRegistry,
        catalog: AskCatalog,
        runner: ContentRunner,
        llm: LlmReader | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._lookers = lookers
        self._catalog = catalog
        self._runner = runner
        self._llm = llm
        self._today = today

    @property
    def configured(self) -> bool:
        """Whether any instance has Explores to answer from."""
        return any(looker.settings.ask_explores for looker in self._lookers)

    async def run(self, request: CommandRequest, args: str) -> Reply:
        if not self.configured:
            return Reply(Message.of(messages.ASK_OFF), private=True)
        question = clip(args)
        if not question:
            return Reply(Message.of(messages.ASK_USAGE), private=True)
        state = request.thread_state
        if state is not None and state.get("kind") == THREAD_KIND:
            return await self.follow_up(request, question, state)
        targets = [lk for lk in self._lookers if lk.settings.ask_explores]
        first, _, rest = question.partition(" ")
        named = self._lookers.named(first)
        if named is not None and named in targets and rest:
            targets, question = [named], rest
        via_slash = request.source is Source.SLASH
        return await self.answer(
            question, targets, prefer=(), via_slash=via_slash, people=self.registry_for(request)
        )

    async def follow_up(self, request: CommandRequest, text: str, state: dict[str, Any]) -> Reply:
        """Answer ``text`` written in the thread of an earlier answer: a change to that
        answer's query ("now by month", "only the West", "top 10 instead"), "why?", or "as
        a chart"; a whole new question is answered as one. It runs as the person who wrote
        the follow-up (their own Looker session under run-as), whoever asked first."""
        people = self.registry_for(request)
        fresh = dataclasses.replace(request, thread_state=None)
        looker = next((lk for lk in people if lk.url == state.get("looker")), None)
        key = state.get("explore")
        spec_data = state.get("spec")
        if looker is None or key not in looker.settings.ask_explores or not spec_data:
            return await self.run(fresh, text)
        loaded, failed = await self._catalog.load([looker])
        explore = next((e for e in loaded if e.key == key), None)
        if explore is None:
            if failed:
                raise CommandError(messages.ask_explores_unavailable([key], failed[0][1].reason))
            return await self.run(fresh, text)
        previous = Previous.from_json(explore.question.index, spec_data)
        if previous is None:
            return await self.run(fresh, text)
        if WHY.match(text):
            return self._why(previous.spec, explore, state)
        chart = AS_CHART.match(text)
        if chart is not None:
            index = explore.question.index
            wanted = chart.group("kind").lower()
            vis = "table" if wanted == "table" else _chart_vis(index, previous.spec)
            return await self._run(looker, dataclasses.replace(previous.spec, vis=vis), model=None)
        result = refine(previous.spec, text, explore.question, today=self._today())
        if result is None:
            return await self.run(fresh, text)
        if isinstance(result, QuerySpec):
            return await self._run(looker, result, model=None)
        if isinstance(result, Ambiguity):
            pick = Pick(text, (), looker.url, explore.key, request.source is Source.SLASH)
            return self._ask_back(result, pick, explore)
        raise self._not_understood(result, explore)

    def _why(self, spec: QuerySpec, explore: LoadedExplore, state: dict[str, Any]) -> Reply:
        """What the thread's last answer ran: the Explore, each field and filter."""
        index = explore.question.index
        names = index.display_name
        lines = [messages.ask_why_heading(index.explore.label or explore.key, explore.key)]
        lines += [
            messages.ask_why_field(names.get(name, name), name, index.fields[name].is_measure)
            for name in spec.fields
            if name in index.fields
        ]
        lines += [
            messages.ask_why_filter(
                filter_words(index.fields[name], expression, names.get(name, name)), name
            )
            for name, expression in spec.filters.items()
            if name in index.fields
        ]
        if spec.sorts:
            lines.append(messages.ask_why_sorts(", ".join(spec.sorts), spec.limit))
        return Reply(Message.of("\n".join(lines)), thread_state=state)

    async def suggested_prompts(self, limit: int = 4) -> list[dict[str, str]]:
        """A question per configured Explore (up to ``limit``), built from its own fields:
        its first measure by its first text dimension, last month when it has dates. For
        the assistant pane's suggested prompts."""
        loaded, _ = await self._catalog.load(
            [lk for lk in self._lookers if lk.settings.ask_explores]
        )
        prompts: list[dict[str, str]] = []
        for explore in loaded[:limit]:
            index = explore.question.index
            names = index.display_name
            fields = list(index.fields.values())
            measure = next((f for f in fields if f.is_measure), None)
            dimension = next(
                (f for f in fields if not f.is_measure and not f.is_timeframe and f.suggestable),
                None,
            )
            if measure is None:
                continue
            question = names[measure.name]
            if dimension is not None:
                question += f" by {names[dimension.name]}"
            if index.filter_time_field() is not None:
                question += " last month"
            label = index.explore.label or explore.key
            prompts.append({"title": f"{label}: {question}"[:75], "message": question})
        return prompts

    def registry_for(self, request: CommandRequest) -> LookerRegistry:
        """The instances the person's question is read and run on: their own Looker sessions
        where the bot acts as its users, so the fields and values that shape an answer are
        the ones they may see."""
        return request.lookers or self._lookers

    async def answer_pick(self, pick: Pick, request: CommandRequest) -> Reply:
        """Answer a question again, with the fields picked from an ambiguity's buttons."""
        looker = next((lk for lk in self._lookers if lk.url == pick.looker_url), None)
        if looker is None or pick.explore not in looker.settings.ask_explores:
            raise CommandError(messages.ask_question_gone())
        return await self.answer(
            pick.question,
            [looker],
            prefer=pick.prefer,
            via_slash=pick.via_slash,
            only=pick.explore,
            people=self.registry_for(request),
        )

    async def answer(
        self,
        question: str,
        targets: Sequence[LookerInstance],
        *,
        prefer: tuple[str, ...],
        via_slash: bool,
        people: LookerRegistry,
        only: str | None = None,
    ) -> Reply:
        """Read ``question`` against the Explores of ``targets``, as ``people`` see them,
        and run the query there (see :meth:`registry_for`)."""
        loaded, failed = await self._catalog.load([_same(people, t) for t in targets])
        if only is not None:
            loaded = [e for e in loaded if e.key == only]
        if not loaded:
            if failed:
                keys = [key for key, _ in failed]
                raise CommandError(messages.ask_explores_unavailable(keys, failed[0][1].reason))
            raise CommandError(messages.ask_question_gone())
        for key, error in failed:
            logger.warning("ask: Explore %s unavailable: %s", key, error.reason)
        today = self._today()

        if self._llm is not None and not prefer:
            reply = await self._try_llm(question, loaded, today, people)
            if reply is not None:
                return reply

        result, chosen = read_message(
            question, [e.question for e in loaded], today=today, prefer=prefer
        )
        explore = next(e for e in loaded if e.question is chosen)
        if isinstance(result, NotUnderstood) and result.unknown and not result.reason:
            # Words nothing matched may be values Looker did not list at first.
            looked_up = [await self._catalog.with_terms(e, result.unknown) for e in loaded]
            if any(a is not b for a, b in zip(looked_up, loaded, strict=True)):
                loaded = looked_up
                result, chosen = read_message(
                    question, [e.question for e in loaded], today=today, prefer=prefer
                )
                explore = next(e for e in loaded if e.question is chosen)
        if isinstance(result, QuerySpec):
            return await self._run(_same(people, explore.looker), result, model=None)
        if isinstance(result, Ambiguity):
            pick = Pick(question, prefer, explore.looker.url, explore.key, via_slash)
            return self._ask_back(result, pick, explore, loaded)
        raise self._not_understood(result, explore)

    async def _try_llm(
        self,
        question: str,
        loaded: Sequence[LoadedExplore],
        today: date,
        people: LookerRegistry,
    ) -> Reply | None:
        assert self._llm is not None
        read = await self._llm.read(question, [e.question for e in loaded], today=today)
        if read is None:
            return None
        spec, chosen = read
        explore = next(e for e in loaded if e.question is chosen)
        try:
            return await self._run(_same(people, explore.looker), spec, model=self._llm.model)
        except LookerApiError as exc:
            logger.warning("ask: Looker refused the language model's query (%s)", exc.reason)
            return None

    async def _run(self, looker: LookerInstance, spec: QuerySpec, *, model: str | None) -> Reply:
        query = await looker.client.create_query(spec.body())
        explore_url = _explore_url(looker, spec, query)
        logger.info(
            "ask: %s on %s fields=%s by=%s",
            spec.key,
            looker.url,
            ",".join(spec.fields),
            "model" if model else "parser",
        )
        result = await self._runner.query_reply(
            looker,
            query,
            title=spec.description,
            source=ResultLink(explore_url, messages.ASK_OPEN_EXPLORE),
        )
        blocks: list[Block] = [section(messages.ask_heading(spec.description))]
        blocks.extend(result.message.blocks)
        if model is not None:
            blocks.append(context(messages.ASK_READ_BY_MODEL))
        ref = AnswerRef(
            kind="query",
            looker=looker.url,
            target=query.id,
            title=spec.description,
            view=shown_as(result),
            source=explore_url,
            ask=True,
        )
        return Reply(
            Message.from_blocks(blocks, f"{escape(spec.description)}: {result.message.text}"),
            attachments=result.attachments,
            answer=Answer(ref=ref, open_url=explore_url),
            thread_state={
                "kind": THREAD_KIND,
                "looker": looker.url,
                "explore": spec.key,
                "spec": spec.to_json(),
            },
        )

    def _ask_back(
        self,
        ambiguity: Ambiguity,
        pick: Pick,
        explore: LoadedExplore,
        loaded: Sequence[LoadedExplore] = (),
    ) -> Reply:
        names = explore.question.index.display_name
        all_measures = all(f.is_measure for f in ambiguity.candidates)
        ranking = all_measures and len(ambiguity.candidates) > 2
        text = (
            messages.ask_which_measure(ambiguity.phrase)
            if ranking
            else messages.ask_which_one(ambiguity.phrase)
        )
        by_key = {e.key: e for e in reversed(loaded)}
        if ambiguity.explores:
            text = messages.ASK_WHICH_EXPLORE
        buttons: list[dict[str, Any]] = []
        for n, candidate in enumerate(ambiguity.candidates):
            home = by_key.get(ambiguity.explores[n]) if ambiguity.explores else None
            chosen = Pick(
                pick.question,
                (*pick.prefer, candidate.name),
                home.looker.url if home else pick.looker_url,
                home.key if home else pick.explore,
                pick.via_slash,
            )
            value = chosen.value()
            if len(value) > MAX_BUTTON_VALUE:
                continue
            label = names.get(candidate.name, candidate.label)
            if home is not None:
                label = f"{candidate.label} ({home.question.index.explore.label or home.key})"
            buttons.append(
                {
                    "type": "button",
                    "action_id": f"{ACTION_PREFIX}pick:{n}",
                    "text": {"type": "plain_text", "text": label[:75], "emoji": False},
                    "value": value,
                }
            )
        details = [
            messages.ask_candidate(names.get(f.name, f.label), f.description)
            for f in ambiguity.candidates
        ]
        blocks: list[Block] = [section(text)]
        if buttons:
            blocks.append({"type": "actions", "block_id": "ask-candidates", "elements": buttons})
        blocks.append(context(*details))
        return Reply(Message.from_blocks(blocks, text))

    @staticmethod
    def _not_understood(result: NotUnderstood, explore: LoadedExplore) -> AskNotUnderstood:
        known = list(result.known)
        label = explore.question.index.explore.label or explore.key
        dated = explore.question.index.filter_time_field()  # the date it can filter on
        names = explore.question.index.display_name
        date_name = names.get(dated.name, dated.label) if dated is not None else ""
        if result.reason == "no_fields":
            text = messages.ask_no_fields(known)
        elif result.reason == "no_count":
            text = messages.ask_no_count(result.unknown[0] if result.unknown else "", known)
        elif result.reason == "before_data" and len(result.unknown) == 2:
            period, first_day = result.unknown
            text = messages.ask_before_data(period, first_day, label, date_name)
        elif result.reason == "why":
            text = messages.ask_why_not_kept(label, known)
        elif result.reason == "two_questions":
            text = messages.ask_two_questions(len(result.unknown))
        elif result.reason in ("no_timeframe", "no_time"):
            text = messages.ask_no_timeframe(known)
        elif result.reason in ("no_event_date", "no_new"):
            say = (
                messages.ask_no_event_date
                if result.reason == "no_event_date"
                else messages.ask_no_new
            )
            text = say(result.unknown[0], date_name)
        elif result.unknown:
            text = messages.ask_not_understood(list(result.unknown), known, label)
        else:
            text = messages.ask_nothing_understood(known, label)
        return AskNotUnderstood(text, nothing_known=result.matched == 0)


class DmQuestion:
    """Text in a DM that is no command, read as a question (when ask is configured).

    Text that fits nothing gets the "did you mean" of an unknown command as well, so a
    mistyped command name still finds its way.

    Args:
        ask: the ask command.
        suggest: close command names for a text.
    """

    name = "ask"
    slow = True

    def __init__(self, *, ask: AskCommand, suggest: Callable[[str], list[str]]) -> None:
        self._ask = ask
        self._suggest = suggest

    async def run(self, request: CommandRequest, args: str) -> Reply:
        try:
            return await self._ask.run(request, args)
        except AskNotUnderstood as exc:
            suggestions = self._suggest(request.text)
            if exc.nothing_known:  # chit-chat or a mistyped command, not a question
                text = f"{messages.UNKNOWN_COMMAND}\n{messages.ASK_DM_HINT}"
                if suggestions:
                    text += "\n" + messages.did_you_mean(suggestions)
                return Reply(Message.of(text), private=True)
            if not suggestions:
                raise
            raise CommandError(f"{exc.reason}\n{messages.did_you_mean(suggestions)}") from exc


class AskFollowUp:
    """Text in the thread of an ask answer that is no command: a follow-up question (a
    :class:`~lookerbot.commands.base.Command`)."""

    name = "ask"
    slow = True

    def __init__(self, ask: AskCommand) -> None:
        self._ask = ask

    async def run(self, request: CommandRequest, args: str) -> Reply:
        return await self._ask.run(request, args)


def _chart_vis(index: Any, spec: QuerySpec) -> str:
    """A line chart for a time series, else columns."""
    vis = vis_for(index, spec.fields)
    return vis if vis == "looker_line" else "looker_column"


def _same(people: LookerRegistry, looker: LookerInstance) -> LookerInstance:
    """``looker`` as the person sees it (the same URL in their registry); never the bot's
    own instance in its place."""
    for candidate in people:
        if candidate.url == looker.url:
            return candidate
    raise CommandError(messages.ask_question_gone())


def _explore_url(looker: LookerInstance, spec: QuerySpec, query: Query) -> str:
    if query.explore_path.startswith("/"):
        return looker.url + query.explore_path
    if query.share_url.startswith("http"):
        return query.share_url
    return f"{looker.url}/explore/{spec.model}/{spec.explore}"
