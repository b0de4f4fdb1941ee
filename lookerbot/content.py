"""Running Looker content (queries, Looks, dashboards) and turning it into a reply.

Used by custom commands, unfurls and scheduled deliveries alike: a text visualization is
run and formatted as text; anything else is rendered as a PNG chart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from lookerbot import messages
from lookerbot.commands.base import Reply
from lookerbot.delivery.data_actions import action_buttons
from lookerbot.errors import CommandError
from lookerbot.formatting.message import Attachment, Message, context, section
from lookerbot.formatting.results import ResultLink, format_result, is_text_visualization
from lookerbot.formatting.slack_text import escape
from lookerbot.images.render import DEFAULT_CHART, DEFAULT_DASHBOARD, ChartRenderer
from lookerbot.looker.instances import LookerInstance
from lookerbot.looker.models import Dashboard, Look, Query


def _filename(title: str, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60] or "looker"
    return f"{stem}.{extension}"


def dashboard_url(looker: LookerInstance, dashboard: Dashboard, filters: Mapping[str, str]) -> str:
    """The dashboard's web URL with its filters set (Looker reads them from the query string)."""
    query = urlencode({k: v for k, v in filters.items() if v})
    return f"{looker.url}{dashboard.path}" + (f"?{query}" if query else "")


class ContentRunner:
    """Runs content on a Looker and builds the reply.

    Args:
        renderer: renders charts.
        data_actions: whether single values show their LookML data actions as buttons.
    """

    def __init__(self, *, renderer: ChartRenderer, data_actions: bool = True) -> None:
        self._renderer = renderer
        self._data_actions = data_actions

    async def query_reply(
        self,
        looker: LookerInstance,
        query: Query,
        *,
        title: str,
        source: ResultLink | None,
        charts: bool = True,
    ) -> Reply:
        """Run ``query`` (text), or render it (chart); ``source`` is linked with the result.

        With ``charts=False`` a chart is described instead of rendered.
        """
        if not is_text_visualization(query.vis_type) and not charts:
            heading = f"*{source.mrkdwn()}*" if source else f"*{escape(title)}*"
            text = f"{heading}\n{messages.chart_not_shown(query.vis_type)}"
            return Reply(Message.from_blocks([section(text)], escape(title)))
        if is_text_visualization(query.vis_type):
            result = await looker.client.run_query(query.id)
            formatted = format_result(query, result, looker_url=looker.url, source=source)
            message = formatted.message
            if self._data_actions and formatted.single_value is not None:
                buttons = action_buttons(looker.url, formatted.single_value[1].links)
                if buttons is not None:
                    blocks = list(message.blocks)
                    blocks.insert(1, buttons)
                    message = Message.from_blocks(blocks, message.text)
            attachments: tuple[Attachment, ...] = ()
            if formatted.csv is not None:
                attachments = (
                    Attachment(
                        filename=_filename(title, "csv"),
                        data=formatted.csv,
                        title=f"{title} (all {len(result.rows):,} rows)",
                    ),
                )
            return Reply(message, attachments=attachments)
        image = await self._renderer.render(
            looker, "query", query.id, what=f"_{escape(title)}_", size=DEFAULT_CHART
        )
        return self._chart_reply(title, image, source)

    async def look_reply(
        self,
        looker: LookerInstance,
        look: Look,
        *,
        query_id: str | None = None,
        variant_url: str | None = None,
        charts: bool = True,
    ) -> Reply:
        """A Look's result.

        ``query_id`` runs a variant of the Look (a schedule with its own filters); the result
        then links to ``variant_url`` (the schedule's URL), which shows those filters.
        """
        source = ResultLink(looker.url + look.path, look.title or f"Look {look.id}")
        query = look.query
        if query_id is not None and (query is None or query.id != query_id):
            query = await looker.client.query(query_id)
            if variant_url:
                source = ResultLink(variant_url, source.label)
        if query is None:
            raise CommandError(messages.look_without_query(look.title))
        return await self.query_reply(looker, query, title=look.title, source=source, charts=charts)

    async def dashboard_reply(
        self, looker: LookerInstance, dashboard: Dashboard, filters: Mapping[str, str]
    ) -> Reply:
        """The whole dashboard rendered as one image, linked with its filters set."""
        source = ResultLink(dashboard_url(looker, dashboard, filters), dashboard.title)
        body = {
            "dashboard_filters": urlencode({k: v for k, v in filters.items() if v}),
            "dashboard_style": "tiled",
        }
        image = await self._renderer.render(
            looker,
            "dashboard",
            dashboard.id,
            what=f"the dashboard _{escape(dashboard.title)}_",
            size=DEFAULT_DASHBOARD,
            body=body,
        )
        return self._chart_reply(dashboard.title, image, source)

    @staticmethod
    def dashboard_summary(looker: LookerInstance, dashboard: Dashboard) -> Reply:
        """A dashboard described in words: title, description, tiles and filters."""
        source = ResultLink(looker.url + dashboard.path, dashboard.title or "Dashboard")
        lines = [f"*{source.mrkdwn()}*"]
        if dashboard.description:
            lines.append(escape(dashboard.description))
        tiles = [e.title for e in dashboard.elements if e.shows_data and e.title]
        facts = [messages.tile_count(len([e for e in dashboard.elements if e.shows_data]))]
        if dashboard.filters:
            facts.append(messages.filter_list([f.title for f in dashboard.filters]))
        text = "\n".join(lines)
        blocks = [section(text), context(" · ".join(facts))]
        if tiles:
            blocks.append(context(escape(", ".join(tiles[:12]))))
        return Reply(Message.from_blocks(blocks, escape(dashboard.title)))

    @staticmethod
    def _chart_reply(title: str, image: bytes, source: ResultLink | None) -> Reply:
        heading = f"*{source.mrkdwn()}*" if source else f"*{escape(title)}*"
        return Reply(
            Message.from_blocks([section(heading)], escape(title)),
            attachments=(
                Attachment(filename=_filename(title, "png"), data=image, title=title, inline=True),
            ),
        )
