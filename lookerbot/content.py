"""Running Looker content (queries, Looks, dashboards) and turning it into a reply.

Used by custom commands, unfurls and scheduled deliveries alike: a text visualization is
run and formatted as text; anything else is rendered as a PNG chart, sized for its
visualization, and shown from the image store (an image block) or uploaded to Slack with
the reply. A store that fails never costs the chart: it goes to Slack as a file instead.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlencode

from lookerbot import messages
from lookerbot.answers.refs import View
from lookerbot.commands.base import Reply
from lookerbot.errors import CommandError, ImageStoreError
from lookerbot.formatting.actions import action_buttons
from lookerbot.formatting.message import Attachment, Message, context, image, section
from lookerbot.formatting.results import ResultLink, format_result, is_text_visualization
from lookerbot.formatting.slack_text import escape
from lookerbot.images.render import ChartRenderer
from lookerbot.images.sizes import ChartSizes
from lookerbot.images.store import ImageStore
from lookerbot.looker.instances import LookerInstance
from lookerbot.looker.models import Dashboard, Look, Query

logger = logging.getLogger(__name__)

Charts = bool | Literal["hosted"]
"""How a reply shows a chart: ``True`` renders it; ``False`` describes it in words;
``"hosted"`` renders it only when the image store serves images from URLs (a link preview
cannot carry a file) and describes it otherwise."""


def shown_as(reply: Reply) -> View:
    """What a reply shows: a chart (an image, hosted or attached), else a table."""
    return "chart" if any(a.inline for a in reply.attachments) else "table"


def filename(title: str, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60] or "looker"
    return f"{stem}.{extension}"


def chart_type(query: Query) -> str:
    """The chart a text result is drawn as: a line over time, else columns."""
    timed = any(f.rsplit("_", 1)[-1] in _TIMEFRAMES for f in query.fields)
    return "looker_line" if timed else "looker_column"


_TIMEFRAMES = frozenset({"date", "week", "month", "quarter", "year", "time", "hour", "day"})


def dashboard_url(looker: LookerInstance, dashboard: Dashboard, filters: Mapping[str, str]) -> str:
    """The dashboard's web URL with its filters set (Looker reads them from the query string)."""
    query = urlencode({k: v for k, v in filters.items() if v})
    return f"{looker.url}{dashboard.path}" + (f"?{query}" if query else "")


class ContentRunner:
    """Runs content on a Looker and builds the reply.

    Args:
        renderer: renders charts.
        image_store: where chart images go; ``None`` uploads them to Slack with the reply
            (as the ``slack`` store does).
        sizes: the size each visualization is rendered at.
        data_actions: whether single values show their LookML data actions as buttons.
    """

    def __init__(
        self,
        *,
        renderer: ChartRenderer,
        image_store: ImageStore | None = None,
        sizes: ChartSizes | None = None,
        data_actions: bool = True,
    ) -> None:
        self._renderer = renderer
        self._store = image_store
        self._sizes = sizes or ChartSizes()
        self._data_actions = data_actions

    @property
    def hosts_images(self) -> bool:
        """Whether charts are shown from URLs (so link previews can show them too)."""
        return self._store is not None and self._store.hosts_images

    async def query_reply(
        self,
        looker: LookerInstance,
        query: Query,
        *,
        title: str,
        source: ResultLink | None,
        charts: Charts = True,
        view: View | None = None,
    ) -> Reply:
        """Run ``query`` (text), or render it (chart); ``source`` is linked with the result.

        ``charts`` says how a chart is shown (see :data:`Charts`); ``view`` shows the result
        as a table or a chart whatever its visualization (a text visualization is drawn as a
        column chart, or a line chart over time).
        """
        if view == "table" and not is_text_visualization(query.vis_type):
            query = dataclasses.replace(query, vis_config={**query.vis_config, "type": "table"})
        elif view == "chart" and is_text_visualization(query.vis_type):
            query = await looker.client.create_query(
                {**query.copy_with_filters({}), "vis_config": {"type": chart_type(query)}}
            )
        heading = f"*{source.mrkdwn()}*" if source else f"*{escape(title)}*"
        description = messages.chart_not_shown(query.vis_type)
        if not is_text_visualization(query.vis_type) and (
            charts is False or (charts == "hosted" and not self.hosts_images)
        ):
            return Reply(Message.from_blocks([section(f"{heading}\n{description}")], escape(title)))
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
                        filename=filename(title, "csv"),
                        data=formatted.csv,
                        title=f"{title} (all {len(result.rows):,} rows)",
                    ),
                )
            return Reply(message, attachments=attachments)
        png = await self._renderer.render(
            looker,
            "query",
            query.id,
            what=f"_{escape(title)}_",
            size=self._sizes.for_vis(query.vis_type),
        )
        return await self._chart_reply(
            title, png, heading, hosted_only=charts == "hosted", description=description
        )

    async def look_reply(
        self,
        looker: LookerInstance,
        look: Look,
        *,
        query_id: str | None = None,
        variant_url: str | None = None,
        charts: Charts = True,
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
        png = await self._renderer.render(
            looker,
            "dashboard",
            dashboard.id,
            what=f"the dashboard _{escape(dashboard.title)}_",
            size=self._sizes.dashboard,
            body=body,
        )
        return await self._chart_reply(dashboard.title, png, f"*{source.mrkdwn()}*")

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

    async def image_reply(self, title: str, png: bytes, source: ResultLink) -> Reply:
        """An image Looker already rendered (a scheduled plan's own), linked to its source."""
        return await self._chart_reply(title, png, f"*{source.mrkdwn()}*")

    async def _chart_reply(
        self,
        title: str,
        png: bytes,
        heading: str,
        *,
        hosted_only: bool = False,
        description: str = "",
    ) -> Reply:
        attachment = Attachment(filename=filename(title, "png"), data=png, title=title, inline=True)
        url = await self._publish(png)
        if url is not None:
            # The bytes stay with the reply: if Slack cannot fetch the URL, they are uploaded.
            return Reply(
                Message.from_blocks(
                    [section(heading), image(url, f"Chart: {title}")], escape(title)
                ),
                attachments=(dataclasses.replace(attachment, hosted_url=url),),
            )
        if hosted_only:
            return Reply(Message.from_blocks([section(f"{heading}\n{description}")], escape(title)))
        return Reply(
            Message.from_blocks([section(heading)], escape(title)), attachments=(attachment,)
        )

    async def _publish(self, png: bytes) -> str | None:
        """The image's URL from the store; ``None`` when it goes to Slack as a file."""
        store = self._store
        if store is None or not store.hosts_images:
            return None
        try:
            return await store.publish(png)
        except ImageStoreError as exc:
            logger.warning(
                "Image store %s failed, so the chart goes to Slack as a file: %s",
                store.name,
                exc.reason,
            )
        except Exception:
            logger.exception(
                "Image store %s failed unexpectedly, so the chart goes to Slack as a file",
                store.name,
            )
        return None
