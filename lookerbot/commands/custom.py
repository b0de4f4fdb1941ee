"""Custom commands: every dashboard in a Looker folder (and its subfolders) is a command.

The command's name is the dashboard's title, lowercased. ``revenue west`` runs the
dashboard "Revenue" with ``west`` in every filter (Lookerbot's rule); ``revenue
region:West date:"last 7 days"`` sets filters by name or title. A dashboard with one tile
runs that tile's query with the filters applied; a dashboard with several tiles is rendered
whole as one image.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from lookerbot import messages
from lookerbot.answers.refs import Answer, AnswerRef, View
from lookerbot.commands.base import CommandRequest, Reply
from lookerbot.content import ContentRunner, dashboard_url, shown_as
from lookerbot.errors import CommandError, LookerApiError
from lookerbot.formatting.results import ResultLink
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import Dashboard, DashboardFilter, Query

logger = logging.getLogger(__name__)

ROOT_CATEGORY = "Shortcuts"
HIDDEN_MARK = "[hidden]"
_MAX_FOLDERS = 500
_FETCH_CONCURRENCY = 8


@dataclass(frozen=True)
class CustomCommand:
    """One dashboard that is a command.

    Attributes:
        name: the dashboard title, lowercased and trimmed.
        looker: the instance it is on.
        dashboard_id: the dashboard.
        title: the dashboard title as written.
        description: the dashboard's description.
        category: "Shortcuts" for the commands folder itself, else the subfolder's name.
        hidden: left out of help (a title or subfolder containing "[hidden]").
        filter_titles: the dashboard filters' titles, in order.
    """

    name: str
    looker: LookerInstance
    dashboard_id: str
    title: str
    description: str
    category: str
    hidden: bool
    filter_titles: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """The dashboard's web URL."""
        return f"{self.looker.url}/dashboards/{self.dashboard_id}"


@dataclass
class _InstanceCommands:
    commands: dict[str, CustomCommand] = field(default_factory=dict)
    folders: tuple[str, ...] = ()


class CustomCommandCatalog:
    """The custom commands of every instance, refreshed from Looker.

    A refresh that fails for one instance keeps that instance's previous commands, so a
    passing Looker outage does not make commands vanish.

    Args:
        lookers: the instances; those with a commands folder contribute commands.
        refresh_interval: seconds between periodic refreshes.
    """

    def __init__(
        self,
        *,
        lookers: LookerRegistry,
        refresh_interval: float = 300.0,
    ) -> None:
        self._lookers = lookers
        self._interval = refresh_interval
        self._by_instance: dict[str, _InstanceCommands] = {
            lk.url: _InstanceCommands() for lk in lookers if lk.settings.custom_command_folder_id
        }
        self._refreshing: asyncio.Task[None] | None = None
        self._loaded = asyncio.Event()
        self._again = False

    @property
    def commands(self) -> list[CustomCommand]:
        """Every command, instance by instance in configuration order."""
        return [c for entry in self._by_instance.values() for c in entry.commands.values()]

    @property
    def configured(self) -> bool:
        """Whether any instance has a commands folder."""
        return bool(self._by_instance)

    # -- refreshing ----------------------------------------------------------------------

    async def refresh(self) -> None:
        """Reload every instance's commands from Looker."""
        await asyncio.gather(
            *(self._refresh_instance(lk) for lk in self._lookers if lk.url in self._by_instance)
        )
        self._loaded.set()

    @property
    def loaded(self) -> bool:
        """Whether a first refresh has finished (successfully or not)."""
        return self._loaded.is_set()

    async def wait_refreshed(self) -> None:
        """Wait for a background refresh in progress, if any."""
        if self._refreshing is not None and not self._refreshing.done():
            await asyncio.shield(self._refreshing)

    async def wait_loaded(self, timeout: float) -> bool:
        """Wait until the first refresh has finished; False if it did not within ``timeout``."""
        try:
            await asyncio.wait_for(self._loaded.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def refresh_soon(self) -> None:
        """Refresh in the background; if a refresh is running, another follows it."""
        if self._refreshing is not None and not self._refreshing.done():
            self._again = True
            return
        self._refreshing = asyncio.get_running_loop().create_task(
            self._refresh_until_current(), name="custom-commands-refresh"
        )

    async def _refresh_until_current(self) -> None:
        self._again = True
        while self._again:
            self._again = False
            await self.refresh()

    async def run_periodically(self) -> None:
        """Refresh every ``refresh_interval`` seconds, forever (the first load happens when
        an instance logs in: see :func:`~lookerbot.looker.instances.keep_connecting`)."""
        while True:
            await asyncio.sleep(self._interval)
            self.refresh_soon()

    async def _refresh_instance(self, looker: LookerInstance) -> None:
        root_id = looker.settings.custom_command_folder_id
        assert root_id is not None
        try:
            commands, folders = await self._load(looker, root_id)
        except LookerApiError as exc:
            logger.warning("Could not refresh custom commands of %s: %s", looker.url, exc.reason)
            return
        entry = self._by_instance[looker.url]
        gone = set(entry.commands) - set(commands)
        entry.commands = commands
        entry.folders = folders
        logger.info(
            "Loaded %d custom command(s) from %s folder %s%s",
            len(commands),
            looker.url,
            root_id,
            f"; gone: {', '.join(sorted(gone))}" if gone else "",
        )

    def folders_of(self, looker: LookerInstance) -> tuple[str, ...]:
        """The ids of the commands folder and its subfolders on ``looker``."""
        entry = self._by_instance.get(looker.url)
        return entry.folders if entry else ()

    async def _load(
        self, looker: LookerInstance, root_id: str
    ) -> tuple[dict[str, CustomCommand], tuple[str, ...]]:
        client = looker.client
        # Walk the folder tree breadth first; each folder is (id, category, hidden).
        pending: list[tuple[str, str, bool]] = [(root_id, ROOT_CATEGORY, False)]
        found: list[tuple[str, str, bool, str, str, str]] = []
        visited: set[str] = set()
        while pending and len(visited) < _MAX_FOLDERS:
            folder_id, category, hidden = pending.pop(0)
            if folder_id in visited:
                continue
            visited.add(folder_id)
            dashboards, children = await asyncio.gather(
                client.folder_dashboards(folder_id), client.folder_children(folder_id)
            )
            for d in dashboards:
                found.append((d.id, category, hidden, d.title, d.description, folder_id))
            for child in children:
                # Deeper folders keep the category of their top subfolder.
                child_category = child.name if category == ROOT_CATEGORY else category
                child_hidden = hidden or HIDDEN_MARK in child.name.lower()
                pending.append((child.id, child_category, child_hidden))

        semaphore = asyncio.Semaphore(_FETCH_CONCURRENCY)

        async def filters_of(dashboard_id: str) -> tuple[str, ...]:
            async with semaphore:
                try:
                    dashboard = await client.dashboard(dashboard_id)
                except LookerApiError as exc:
                    if exc.status == 404:
                        return ()
                    raise
            return tuple(f.title for f in dashboard.filters)

        filters = await asyncio.gather(*(filters_of(item[0]) for item in found))
        commands: dict[str, CustomCommand] = {}
        for (dashboard_id, category, hidden, title, description, _), titles in zip(
            found, filters, strict=True
        ):
            name = " ".join(title.lower().split())
            if not name:
                continue
            if name in commands:
                logger.warning(
                    "Two dashboards on %s are both titled %r; only the first is a command",
                    looker.url,
                    title,
                )
                continue
            commands[name] = CustomCommand(
                name=name,
                looker=looker,
                dashboard_id=dashboard_id,
                title=title,
                description=description,
                category=category,
                hidden=hidden or HIDDEN_MARK in name,
                filter_titles=titles,
            )
        return commands, tuple(visited)

    async def aclose(self) -> None:
        """Stop a background refresh, if one is running."""
        if self._refreshing is not None and not self._refreshing.done():
            self._refreshing.cancel()
            await asyncio.gather(self._refreshing, return_exceptions=True)

    def forget(self, command: CustomCommand) -> None:
        """Drop a command whose dashboard is gone."""
        entry = self._by_instance.get(command.looker.url)
        if entry is not None:
            entry.commands.pop(command.name, None)

    # -- matching --------------------------------------------------------------------------

    def match(self, text: str) -> tuple[CustomCommand, str] | None:
        """The command ``text`` starts with (the longest name wins) and the rest of the text.

        When several instances have a command of that name, the first instance's runs; the
        others are reached by naming the instance first (``staging revenue``).
        """
        lowered = " ".join(text.lower().split())
        found = self._longest(lowered, self.commands)
        if found is not None:
            return found[0], _rest(text, found[1])
        first, _, rest = lowered.partition(" ")
        looker = self._lookers.named(first)
        if looker is not None and rest:
            own = [c for c in self.commands if c.looker is looker]
            found = self._longest(rest, own)
            if found is not None:
                return found[0], _rest(text, len(first.split()) + found[1])
        return None

    @staticmethod
    def _longest(
        lowered: str, commands: Iterable[CustomCommand]
    ) -> tuple[CustomCommand, int] | None:
        best: CustomCommand | None = None
        for command in commands:
            matches = lowered == command.name or lowered.startswith(command.name + " ")
            if matches and (best is None or len(command.name) > len(best.name)):
                best = command
        return None if best is None else (best, len(best.name.split()))

    def qualified_name(self, command: CustomCommand) -> str:
        """How to type ``command``: its name, prefixed by its instance when shadowed."""
        for other in self.commands:
            if other.name == command.name:
                if other is command:
                    return command.name
                word = _instance_word(command.looker, self._lookers)
                return f"{word} {command.name}" if word else command.name
        return command.name


def _rest(text: str, words: int) -> str:
    """``text`` without its first ``words`` words."""
    parts = text.split(maxsplit=words)
    return parts[words] if len(parts) > words else ""


def _instance_word(looker: LookerInstance, lookers: LookerRegistry) -> str | None:
    """A word that names ``looker`` (see :meth:`LookerRegistry.named`)."""
    for word in re.split(r"[.\-]", looker.host):
        if lookers.named(word) is looker:
            return word
    return None


# -- arguments -------------------------------------------------------------------------------

_TOKEN = re.compile(
    r'(?P<key>[A-Za-z_][\w-]*|"[^"]+")\s*:\s*(?P<value>"[^"]*"|[^\s"]+)'
    r'|(?P<bare>"[^"]*"|\S+)'
)


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _key(text: str) -> str:
    return " ".join(_unquote(text).replace("_", " ").lower().split())


def parse_arguments(
    args: str, filters: Sequence[DashboardFilter], *, command: str
) -> dict[str, str]:
    """The filter values ``args`` sets, by dashboard filter name.

    Named values (``region:West``, ``"customer name":"Ada Lovelace"``) match a filter by
    name or title, case-insensitively. The rest of the text, if any, goes to every filter
    not named (Lookerbot's rule).

    Raises:
        CommandError: an unknown filter name (listing the valid ones), or arguments for a
            dashboard without filters.
    """
    by_key: dict[str, DashboardFilter] = {}
    for f in filters:
        by_key.setdefault(_key(f.name), f)
        by_key.setdefault(_key(f.title), f)
    named: dict[str, str] = {}
    bare: list[str] = []
    for match in _TOKEN.finditer(args):
        if match.group("key") is not None and not match.group("value").startswith("//"):
            key = _key(match.group("key"))
            target = by_key.get(key)
            if target is None:
                raise CommandError(
                    messages.unknown_filter(
                        command, _unquote(match.group("key")), [f.title for f in filters]
                    )
                )
            named[target.name] = _unquote(match.group("value"))
        else:
            bare.append(_unquote(match.group(0)))
    if (named or bare) and not filters:
        raise CommandError(messages.command_takes_no_filters(command))
    values = dict(named)
    if bare:
        text = " ".join(bare)
        for f in filters:
            values.setdefault(f.name, text)
    return values


class RunCustomCommand:
    """Runs one custom command (a :class:`~lookerbot.commands.base.Command`)."""

    slow = True

    def __init__(
        self, command: CustomCommand, *, runner: ContentRunner, catalog: CustomCommandCatalog
    ) -> None:
        self.command = command
        self.name = command.name
        self._runner = runner
        self._catalog = catalog

    async def run(self, request: CommandRequest, args: str) -> Reply:
        looker = (
            request.lookers.same(self.command.looker) if request.lookers else (self.command.looker)
        )
        try:
            dashboard = await looker.client.dashboard(self.command.dashboard_id)
        except LookerApiError as exc:
            if exc.status == 404:
                self._catalog.forget(self.command)
                self._catalog.refresh_soon()
                raise CommandError(messages.command_dashboard_gone(self.command.name)) from exc
            raise
        given = parse_arguments(args, dashboard.filters, command=self.command.name)
        values = effective_filters(dashboard.filters, given)
        return await answer_dashboard(
            self._runner, looker, dashboard, values, command=self.command.name
        )


def tile_query(
    dashboard: Dashboard, values: Mapping[str, str]
) -> tuple[Query, dict[str, str]] | None:
    """The query of a dashboard with one data tile, and the filters its tile takes from
    ``values``; ``None`` for several tiles or merged results (shown as a whole)."""
    tiles = [e for e in dashboard.elements if e.shows_data]
    if not tiles:
        raise CommandError(messages.dashboard_without_tiles(dashboard.title))
    (tile, *others) = tiles
    query = tile.runnable_query
    if others or query is None:
        return None
    tile_filters = {
        tile.listen[name]: value
        for name, value in values.items()
        if value and tile.listen.get(name)
    }
    return query, tile_filters


async def answer_dashboard(
    runner: ContentRunner,
    looker: LookerInstance,
    dashboard: Dashboard,
    values: Mapping[str, str],
    *,
    command: str,
    view: View | None = None,
) -> Reply:
    """A custom command's answer. One data tile: its query with the filters applied (shown
    as ``view``, else as its visualization). Several: the whole dashboard, as one image."""
    url = dashboard_url(looker, dashboard, values)
    source = ResultLink(url, dashboard.title)
    single = tile_query(dashboard, values)
    ref = AnswerRef(
        kind="command",
        looker=looker.url,
        target=dashboard.id,
        title=dashboard.title,
        filters={k: v for k, v in values.items() if v},
        command=command,
        whole=single is None,
        view="chart",
    )
    if single is None:
        reply = await runner.dashboard_reply(looker, dashboard, values)
    else:
        query, tile_filters = single
        copy = await looker.client.create_query(query.copy_with_filters(tile_filters))
        reply = await runner.query_reply(
            looker, copy, title=dashboard.title, source=source, view=view
        )
        ref = ref.with_view(shown_as(reply))
    return dataclasses.replace(
        reply, answer=Answer(ref=ref, open_url=url, filters=tuple(dashboard.filters))
    )


def effective_filters(
    filters: Sequence[DashboardFilter], given: Mapping[str, str]
) -> dict[str, str]:
    """Every dashboard filter's value: the one given, else the filter's default."""
    return {f.name: given.get(f.name, f.default_value) for f in filters}
