"""Unfurling Looker links posted in Slack: Looks, share links, Explores and dashboards.

Links are matched to an instance by origin (scheme, host and port), never by prefix, and the
bot never fetches a posted URL: it reads the id from the path and asks Looker's API.

A chart Look or query unfurls with its image when the image store serves images from URLs
(S3, Azure, GCS). With the ``slack`` store it is described in words: a preview cannot carry
a file, and although an image block can name a Slack file (``slack_file``), Slack refuses
one it has not finished processing (uploads complete asynchronously) and does not document
who may see a file the bot uploaded but shared nowhere; see docs/design-notes.md.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from lookerbot import messages
from lookerbot.commands.access import AccessPolicy
from lookerbot.commands.base import Reply
from lookerbot.content import ContentRunner
from lookerbot.errors import CommandError
from lookerbot.formatting.message import Message, fit_blocks
from lookerbot.formatting.results import ResultLink
from lookerbot.logs import new_error_id
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.run_as import RunAsUser
from lookerbot.slack.poster import SlackPoster, SlackPostError

logger = logging.getLogger(__name__)

MAX_LINKS = 5
MAX_UNFURL_BLOCKS = 12

_LOOK = re.compile(r"/looks/(\d+)/?")
_SHARE = re.compile(r"/x/([A-Za-z0-9]+)/?")
_EXPLORE = re.compile(r"/explore/[^/]+/[^/]+/?")
_DASHBOARD = re.compile(r"/dashboards(?:-next)?/([A-Za-z0-9_:]+)/?")


@dataclass(frozen=True)
class LookerLink:
    """A link to Looker content: which instance, what kind, which id."""

    url: str
    looker: LookerInstance
    kind: Literal["look", "query", "dashboard"]
    id: str


def parse_link(url: str, lookers: LookerRegistry) -> LookerLink | None:
    """What a posted URL points to, or ``None`` when it is no Looker content link."""
    looker = lookers.for_url(url)
    if looker is None:
        return None
    parts = urlsplit(url)
    base = urlsplit(looker.url).path.rstrip("/")
    path = unquote(parts.path)[len(base) :]
    if m := _LOOK.fullmatch(path):
        return LookerLink(url, looker, "look", m.group(1))
    if m := _SHARE.fullmatch(path):
        return LookerLink(url, looker, "query", m.group(1))
    if _EXPLORE.fullmatch(path):
        qid = parse_qs(parts.query).get("qid")
        if qid and re.fullmatch(r"[A-Za-z0-9]+", qid[0]):
            return LookerLink(url, looker, "query", qid[0])
        return None
    if m := _DASHBOARD.fullmatch(path):
        return LookerLink(url, looker, "dashboard", m.group(1))
    return None


class Unfurler:
    """Builds previews for Looker links and hands them to Slack with ``chat.unfurl``."""

    def __init__(
        self,
        *,
        lookers: LookerRegistry,
        runner: ContentRunner,
        poster: SlackPoster,
        access: AccessPolicy,
        run_as: RunAsUser,
    ) -> None:
        self._lookers = lookers
        self._runner = runner
        self._poster = poster
        self._access = access
        self._run_as = run_as

    async def unfurl(
        self,
        urls: list[str],
        *,
        user: str,
        channel: str | None,
        ts: str | None,
        unfurl_id: str | None,
        source: str | None,
    ) -> None:
        """Preview the Looker links among ``urls`` (people who may not use the bot get none)."""
        links = [link for u in urls if (link := parse_link(u, self._lookers)) is not None]
        links = links[:MAX_LINKS]
        if not links:
            return
        refusal = await self._access.check(user)
        if refusal is not None:
            logger.info("Not unfurling for %s: %s", user, refusal)
            return
        # Previews show what the person who posted the link may see.
        theirs = await self._run_as.registry_for(user)
        links = [dataclasses.replace(lk, looker=theirs.same(lk.looker)) for lk in links]
        previews = await asyncio.gather(*(self.preview(link) for link in links))
        unfurls = {link.url: preview for link, preview in zip(links, previews, strict=True)}
        where = {"channel": channel, "ts": ts, "unfurl_id": unfurl_id, "source": source}
        try:
            await self._poster.unfurl(unfurls, **where)
        except SlackPostError as exc:
            images = {
                str(b["image_url"])
                for m in unfurls.values()
                for b in m.blocks
                if b.get("type") == "image"
            }
            if not images:
                logger.warning("chat.unfurl failed: %s", exc.error)
                return
            # Slack fetches image URLs when unfurling and refuses what it cannot fetch.
            logger.warning(
                "chat.unfurl with chart images failed (%s); unfurling without them", exc.error
            )
            plain = {
                url: m.without_images(images, note=messages.CHART_UNAVAILABLE)
                for url, m in unfurls.items()
            }
            try:
                await self._poster.unfurl(plain, **where)
            except SlackPostError as again:
                logger.warning("chat.unfurl failed: %s", again.error)

    async def preview(self, link: LookerLink) -> Message:
        """The preview of one link; a failure becomes a warning inside the preview."""
        try:
            reply = await self._reply(link)
        except CommandError as exc:
            return Message.of(messages.warning(exc.reason))
        except Exception:
            error_id = new_error_id()
            logger.exception("Unfurling %s failed; error_id=%s", link.url, error_id)
            return Message.of(messages.unexpected_error(error_id))
        blocks = fit_blocks(list(reply.message.blocks))[:MAX_UNFURL_BLOCKS]
        return Message(text=reply.message.text, blocks=tuple(blocks))

    async def _reply(self, link: LookerLink) -> Reply:
        client = link.looker.client
        if link.kind == "look":
            look = await client.look(link.id)
            return await self._runner.look_reply(link.looker, look, charts="hosted")
        if link.kind == "query":
            query = await client.query_for_slug(link.id)
            title = messages.explore_title(query.model, query.view)
            return await self._runner.query_reply(
                link.looker, query, title=title, source=ResultLink(link.url, title), charts="hosted"
            )
        dashboard = await client.dashboard(link.id)
        return self._runner.dashboard_summary(link.looker, dashboard)
