"""Bolt listeners for answers' buttons and filter menus, the subscription modal, the
subscriptions' menus and the App Home tab (the work is in :mod:`lookerbot.answers.actions`)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from lookerbot.answers import blocks as kit
from lookerbot.answers.actions import AnswerActions
from lookerbot.tasks import BackgroundTasks

_FILTER = re.compile("^" + re.escape(kit.FILTER))


def register_answer_listeners(
    bolt: AsyncApp, *, actions: AnswerActions, tasks: BackgroundTasks
) -> None:
    """Attach the listeners (before plugins' and the catch-alls)."""

    @bolt.action(kit.REFRESH)
    @bolt.action(kit.VIEW)
    @bolt.action(kit.CSV)
    async def on_answer_button(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        tasks.spawn(actions.pressed(body, bot_user=context.bot_user_id), name="answer-action")

    @bolt.action(kit.OPEN)
    async def on_open(ack: AsyncAck) -> None:
        await ack()  # a link button: Slack opens the URL; the click is only acknowledged

    @bolt.action(kit.SUBSCRIBE)
    async def on_subscribe(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        # The modal must open within the click's 3-second trigger: not in the background.
        await actions.open_subscribe(body)

    @bolt.view(kit.SUBSCRIBE_VIEW)
    async def on_subscribe_form(ack: AsyncAck, body: dict[str, Any]) -> None:
        await actions.subscribe_submitted(ack, body)

    @bolt.action(_FILTER)
    async def on_filter(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        tasks.spawn(actions.filter_chosen(body, bot_user=context.bot_user_id), name="answer-filter")

    @bolt.options(_FILTER)
    async def on_filter_options(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack(options=await actions.options(body))

    @bolt.action(kit.SUBSCRIPTION_MENU)
    async def on_subscription_menu(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        tasks.spawn(actions.menu_chosen(body), name="subscription-change")

    @bolt.action(kit.HOME_REFRESH)
    async def on_home_refresh(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user = body.get("user", {}).get("id") if isinstance(body.get("user"), dict) else None
        if isinstance(user, str):
            tasks.spawn(actions.publish_home(user), name="home")

    @bolt.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any]) -> None:
        user = event.get("user")
        if event.get("tab") == "home" and isinstance(user, str):
            tasks.spawn(actions.publish_home(user), name="home")
