"""The bot's aiohttp application: dependencies built once, routes as thin adapters.

:func:`create_app` returns a ``web.Application`` that the caller runs (``lookerbot serve``,
the demo, or a test server). Slack's requests reach Bolt through its aiohttp adapter
functions after the bot has verified them itself; Looker's webhooks are plain routes.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest

from lookerbot import __version__, messages
from lookerbot.actions.registry import ActionHubOptions, build_actions
from lookerbot.actions.resolver import PublicOnlyResolver, trusted_hosts
from lookerbot.actions.routes import ActionHubRoutes
from lookerbot.answers.actions import AnswerActions, decorate
from lookerbot.answers.subscriptions import Subscriptions
from lookerbot.ask.catalog import AskCatalog
from lookerbot.ask.llm import LlmReader
from lookerbot.bodies import (
    ACTION_HUB_MAX_BODY,
    BODY_SECONDS,
    SLACK_MAX_BODY,
    BodyError,
    read_body,
)
from lookerbot.commands.access import AccessPolicy
from lookerbot.commands.ask import AskCommand, AskFollowUp, DmQuestion
from lookerbot.commands.base import Command
from lookerbot.commands.custom import CustomCommandCatalog, RunCustomCommand
from lookerbot.commands.dispatcher import CommandDispatcher
from lookerbot.commands.find import FindCommand
from lookerbot.commands.help import HelpCommand, UnknownCommand
from lookerbot.commands.router import CommandRouter
from lookerbot.commands.subscriptions import SubscriptionsCommand
from lookerbot.commands.unfurl import Unfurler
from lookerbot.content import ContentRunner
from lookerbot.delivery.auth import LookerRequestAuth
from lookerbot.delivery.channels import ChannelDirectory
from lookerbot.delivery.data_actions import DataActionHandler
from lookerbot.delivery.routes import DeliveryRoutes
from lookerbot.delivery.scheduled import Deliveries
from lookerbot.errors import StartupError
from lookerbot.images.factory import build_image_store
from lookerbot.images.render import ChartRenderer
from lookerbot.images.sizes import ChartSizes
from lookerbot.images.store import ImageStore
from lookerbot.jobs import Jobs, JobStore, JobStoreError
from lookerbot.jobs_redis import RedisJobStore
from lookerbot.logs import new_error_id
from lookerbot.looker.instances import LookerRegistry, build_registry, keep_connecting
from lookerbot.looker.run_as import RunAsUser
from lookerbot.observability import Metrics, correlation_id, new_correlation_id
from lookerbot.redis import RedisClient
from lookerbot.settings import Settings
from lookerbot.slack.answer_listeners import register_answer_listeners
from lookerbot.slack.ask_listeners import register_ask_listeners
from lookerbot.slack.assistant import register_assistant
from lookerbot.slack.dedup import (
    EventDeduplicator,
    InMemoryEventDeduplicator,
    RedisEventDeduplicator,
)
from lookerbot.slack.directory import SlackDirectory
from lookerbot.slack.events import EventHandlers
from lookerbot.slack.listeners import RECEIVED_AT, register_fallbacks, register_listeners
from lookerbot.slack.loading import LoadingMessages
from lookerbot.slack.payloads import classify
from lookerbot.slack.plugins import register_plugins
from lookerbot.slack.poster import (
    SlackPoster,
    SlackPostError,
    WebApiSlackPoster,
    build_slack_client,
)
from lookerbot.slack.retry import ChannelPacer
from lookerbot.slack.verify import SlackRequestVerifier
from lookerbot.state import MemoryState, RedisState, SqliteState, StateError, StateStore
from lookerbot.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

LINGERING_SECONDS = 1.0
"""Seconds an unread body is drained after the answer before the connection is closed."""
IDENTITY_WAIT = 2.0
"""Seconds an event waits for ``auth.test`` before it is answered 503 (Slack allows 3)."""


@dataclass
class Deps:
    """Dependencies a caller may provide instead of the ones built from settings.

    Attributes:
        lookers: the Looker instances (default: an SDK client per configured instance).
        poster: how to post to Slack (default: the Web API at ``SLACK_API_URL``).
        dedup: which events were seen (default: in memory).
        clock: seconds since the epoch, for signature timestamps.
        action_hub: how the Braze and RudderStack actions behave (default: production's;
            tests and the demo allow the emulators' loopback URLs here, and only here).
    """

    lookers: LookerRegistry | None = None
    poster: SlackPoster | None = None
    dedup: EventDeduplicator | None = None
    clock: Callable[[], float] = time.time
    action_hub: ActionHubOptions | None = None


@dataclass
class Runtime:
    """Everything the running bot holds; one per application."""

    settings: Settings
    lookers: LookerRegistry
    tasks: BackgroundTasks
    bolt: AsyncApp
    poster: SlackPoster
    verifier: SlackRequestVerifier
    catalog: CustomCommandCatalog
    delivery: DeliveryRoutes
    image_store: ImageStore
    action_hub: ActionHubRoutes
    events: EventHandlers
    directory: SlackDirectory
    jobs: Jobs | None = None


RUNTIME = web.AppKey("runtime", Runtime)
SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)


def app_runner(app: web.Application, settings: Settings) -> web.AppRunner:
    """The runner that serves ``app``: no access log (``_observe`` logs each request), the
    shutdown grace period, and two connection limits:

    - ``keepalive_timeout`` is the header deadline: aiohttp closes a connection whose
      request headers have not all arrived that long after it opened (and an idle
      kept-alive one), so a client that sends headers slowly cannot hold it;
    - ``lingering_time``: after answering a request whose body was not read (refused before
      authentication, or too large), aiohttp reads and discards what the client still sends
      for this long, so that the client sees the answer rather than a reset connection,
      then closes. aiohttp's default is 10 s, which lets any client hold a connection that
      long."""
    return web.AppRunner(
        app,
        access_log=None,
        shutdown_timeout=max(settings.shutdown_timeout, 1.0),
        keepalive_timeout=settings.request_timeout,
        lingering_time=LINGERING_SECONDS,
    )


def create_app(settings: Settings, deps: Deps | None = None) -> web.Application:
    """The bot as an aiohttp application; dependencies are built when it starts."""
    deps = deps or Deps()
    # Each route reads its body itself, within its own limit (lookerbot.bodies).
    app = web.Application(client_max_size=ACTION_HUB_MAX_BODY, middlewares=[_observe])
    app[SETTINGS] = settings
    app[BODY_SECONDS] = settings.request_timeout
    app[METRICS] = Metrics()
    app.cleanup_ctx.append(_lifecycle(settings, deps))
    app.on_shutdown.append(_drain)
    slack = _slack_handler
    app.router.add_post("/slack/events", slack)
    app.router.add_post("/slack/receive", slack)  # Lookerbot's slash command path
    app.router.add_post("/slack/action", slack)  # Lookerbot's interactivity path
    app.router.add_get("/health_check", _health_check)
    app.router.add_get("/metrics", _metrics)
    app.router.add_get("/", _landing)
    # Looker's requests (the handlers live in delivery/routes.py, built at start-up).
    app.router.add_post("/slack/post/{kind}/{name:.*}", _delivery("scheduled_webhook"))
    app.router.add_post("/slack/post_from_query_action", _delivery("post_from_query_action"))
    app.router.add_post("/", _delivery("action_list"))
    app.router.add_post("/data_actions/form", _delivery("data_action_form"))
    app.router.add_post("/data_actions", _delivery("data_action"))
    # The Action Hub's other actions (lookerbot/actions/routes.py).
    app.router.add_post("/actions/{name}/form", _action_hub("form"))
    app.router.add_post("/actions/{name}/execute", _action_hub("execute"))
    return app


_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _routed(part: str, name: str) -> _Handler:
    """A handler calling ``runtime.<part>.<name>`` (built at start-up, after routing)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        route: _Handler = getattr(getattr(request.app[RUNTIME], part), name)
        return await route(request)

    handler.__name__ = f"{part}_{name}"
    return handler


def _delivery(name: str) -> _Handler:
    return _routed("delivery", name)


def _action_hub(name: str) -> _Handler:
    return _routed("action_hub", name)


def _lifecycle(
    settings: Settings, deps: Deps
) -> Callable[[web.Application], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        for line in settings.proxies.describe():
            logger.info("Outbound proxy: %s", line)
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        # One client for the bot and Bolt. Its token is set once Bolt is built: Bolt warns
        # that a client's token is ignored when an authorize function is given, and here
        # the authorize function hands Bolt that same token.
        metrics = app[METRICS]
        redis = RedisClient(settings.redis_url.reveal()) if settings.redis_url is not None else None
        # With Redis, replicas take turns per channel too (Slack's one post a second).
        pacer = ChannelPacer(shared=redis)
        jobs = await _open_jobs(settings, redis)
        threads = await _open_state(settings, redis)
        slack_client = build_slack_client(
            base_url=settings.slack_api_url,
            session=session,
            pacer=pacer,
            metrics=metrics,
            proxies=settings.proxies,
        )
        api_host = urlsplit(settings.slack_api_url).hostname or ""
        poster = deps.poster or WebApiSlackPoster(
            client=slack_client,
            session=session,
            trusted_hosts=frozenset({api_host}),
            pacer=pacer,
            metrics=metrics,
            proxies=settings.proxies,
        )
        lookers = deps.lookers or build_registry(settings, metrics=metrics)
        tasks = BackgroundTasks()
        directory = SlackDirectory(poster=poster)
        access = AccessPolicy(directory=directory, settings=settings)
        image_store = build_image_store(settings, poster=poster)
        logger.info("Chart images go to the %s image store", image_store.name)
        runner = ContentRunner(
            renderer=ChartRenderer(timeout=settings.charts.render_timeout),
            image_store=image_store,
            sizes=ChartSizes(settings.charts.sizes),
            data_actions=settings.data_actions_in_messages,
        )
        catalog = CustomCommandCatalog(lookers=lookers)
        llm = (
            LlmReader(settings=settings.ask_llm, session=session, proxies=settings.proxies)
            if settings.ask_llm
            else None
        )
        ask = AskCommand(lookers=lookers, catalog=AskCatalog(), runner=runner, llm=llm)
        help_command = HelpCommand(lookers=lookers, catalog=catalog, ask=ask.configured)
        run_as = RunAsUser(lookers=lookers, directory=directory)
        subscriptions = Subscriptions(settings=settings, lookers=lookers, run_as=run_as)
        answers = AnswerActions(
            runner=runner,
            run_as=run_as,
            access=access,
            poster=poster,
            tasks=tasks,
            subscriptions=subscriptions,
            catalog=catalog,
            help_command=help_command,
            lookers=lookers,
        )
        builtins: list[Command] = [
            FindCommand(lookers=lookers),
            help_command,
            ask,
            SubscriptionsCommand(answers),
        ]
        unknown = UnknownCommand(catalog=catalog, builtins=[c.name for c in builtins])
        router = CommandRouter(
            builtins=builtins,
            catalog=catalog,
            custom=lambda command: RunCustomCommand(command, runner=runner, catalog=catalog),
            help_command=help_command,
            unknown_command=unknown,
            dm_fallback=DmQuestion(ask=ask, suggest=unknown.suggestions)
            if ask.configured
            else None,
            follow_up=AskFollowUp(ask) if ask.configured else None,
        )
        dispatcher = CommandDispatcher(
            router=router,
            settings=settings,
            access=access,
            run_as=run_as,
            metrics=metrics,
            catalog=catalog,
            threads=threads,
            decorate=lambda reply: decorate(reply, subscribe=subscriptions.available),
        )
        unfurler = Unfurler(
            lookers=lookers, runner=runner, poster=poster, access=access, run_as=run_as
        )
        channels = ChannelDirectory(poster=poster)
        deliveries = Deliveries(
            runner=runner,
            poster=poster,
            channels=channels,
            tasks=tasks,
            wait=settings.delivery_wait,
            metrics=metrics,
            jobs=jobs,
            decorate=lambda reply: decorate(reply, subscribe=subscriptions.available),
        )
        looker_auth = LookerRequestAuth(auth_token=settings.lookerbot_auth_token)
        # The actions' own session: no default deadline (a result download may stream for
        # minutes); each request sets its timeouts.
        action_options = dataclasses.replace(
            deps.action_hub or ActionHubOptions(),
            proxies=settings.proxies,
            rudderstack_private_hosts=settings.rudderstack_private_hosts,
        )
        loopback = action_options.loopback
        resolver = PublicOnlyResolver(
            trusted_hosts(
                *(u for looker in settings.lookers for u in (looker.url, looker.api_base_url)),
                settings.proxies.https,
                settings.proxies.http,
                settings.proxies.all,
                *(loopback.origins if loopback else ()),
                names=settings.rudderstack_private_hosts,
            )
        )
        action_session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None),
            connector=aiohttp.TCPConnector(resolver=resolver),
        )
        actions = build_actions(session=action_session, options=action_options)
        delivery = DeliveryRoutes(
            settings=settings,
            lookers=lookers,
            auth=looker_auth,
            deliveries=deliveries,
            channels=channels,
            actions=actions,
        )
        action_hub = ActionHubRoutes(
            lookers=lookers,
            auth=looker_auth,
            actions=actions,
            session=action_session,
            options=action_options,
        )
        data_actions = DataActionHandler(access=access, poster=poster, tasks=tasks, run_as=run_as)
        bot_token = settings.slack_bot_token.reveal()

        async def authorize(
            enterprise_id: str | None, team_id: str | None, user_id: str | None
        ) -> AuthorizeResult:
            # Who the bot is was asked once at start-up (auth.test); Bolt would ask again.
            bot = directory.known_bot
            if bot is None:
                bot = await asyncio.wait_for(directory.bot_identity(), IDENTITY_WAIT)
            return AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=bot.team_id or team_id,
                bot_user_id=bot.user_id,
                bot_token=bot_token,
            )

        bolt = AsyncApp(
            client=slack_client,
            authorize=authorize,
            signing_secret="",
            verification_token="",
            # Verified in _slack_handler before Bolt sees the request (Bolt would log the
            # body of a rejected one); slow work is handed to BackgroundTasks.
            request_verification_enabled=False,
            process_before_response=True,
            logger=logging.getLogger("slack_bolt"),
        )
        slack_client.token = bot_token
        dedup = deps.dedup or (
            RedisEventDeduplicator(client=redis) if redis else InMemoryEventDeduplicator()
        )
        loading = LoadingMessages(jobs) if jobs is not None else None
        events = EventHandlers(
            dispatcher=dispatcher,
            poster=poster,
            tasks=tasks,
            unfurler=unfurler if settings.expand_urls else None,
            loading=loading,
        )
        # Bolt runs the first listener that matches: the bot's own, then the deployer's
        # plugins, then the catch-alls (see slack/plugins.py).
        register_listeners(
            bolt, events=events, data_actions=data_actions, dedup=dedup, access=access
        )
        register_answer_listeners(bolt, actions=answers, tasks=tasks)
        register_ask_listeners(bolt, ask=ask, dispatcher=dispatcher, poster=poster, tasks=tasks)
        register_assistant(
            bolt, ask=ask, events=events, poster=poster, threads=threads, tasks=tasks
        )
        runtime = Runtime(
            settings=settings,
            lookers=lookers,
            tasks=tasks,
            bolt=bolt,
            poster=poster,
            verifier=SlackRequestVerifier(
                signing_secret=settings.slack_signing_secret,
                verification_token=settings.slack_verification_token,
                clock=deps.clock,
            ),
            catalog=catalog,
            delivery=delivery,
            image_store=image_store,
            action_hub=action_hub,
            events=events,
            directory=directory,
            jobs=jobs,
        )
        app[RUNTIME] = runtime
        loop = asyncio.get_running_loop()
        background: list[asyncio.Task[Any]] = []
        socket_mode = None
        try:
            # A plugin that fails stops start-up, with everything above closed again.
            await register_plugins(bolt, settings.plugins)
            register_fallbacks(bolt, dispatcher=dispatcher, poster=poster, tasks=tasks)
            # Each instance logs in on its own. Custom commands load at once (an instance
            # that cannot be reached yet loads when it answers), so routing is final within
            # moments.
            background += [
                loop.create_task(
                    keep_connecting(i, on_recover=lambda _: catalog.refresh_soon()),
                    name=f"login:{i.url}",
                )
                for i in lookers
            ]
            background.append(loop.create_task(_know_the_bot(directory), name="auth.test"))
            if catalog.configured:
                catalog.refresh_soon()
                background.append(
                    loop.create_task(catalog.run_periodically(), name="custom-commands")
                )
            socket_mode = await _start_socket_mode(settings, bolt, session)
            if jobs is not None:
                with contextlib.suppress(JobStoreError):
                    await jobs.trim()
                resumed = await deliveries.resume(lookers)
                if resumed:
                    logger.info("Resuming %d delivery(ies) accepted before a restart", resumed)
            if loading is not None:
                background.append(
                    loop.create_task(loading.repair(poster), name="interrupted-loading")
                )
            if isinstance(jobs, RedisJobStore):
                background.append(
                    loop.create_task(
                        _take_over_periodically(jobs, deliveries, lookers, loading, poster),
                        name="job-takeover",
                    )
                )
            yield
        finally:
            if socket_mode is not None:
                await socket_mode.close_async()
            for task in background:
                task.cancel()
            await directory.aclose()
            await asyncio.gather(*background, return_exceptions=True)
            await catalog.aclose()
            await lookers.aclose()
            await image_store.aclose()
            if redis is not None:
                await redis.aclose()
            await action_session.close()
            await resolver.close()
            await session.close()
            if jobs is not None:
                await jobs.close()
            await threads.close()

    return lifecycle


async def _open_jobs(settings: Settings, redis: RedisClient | None) -> Jobs | None:
    """The store of accepted work: Redis Streams when Redis is configured (shared by the
    replicas), else SQLite in ``LOOKERBOT_DATA_DIR`` (None: memory only)."""
    if redis is not None:
        shared = RedisJobStore(redis, lease=settings.job_lease)
        await shared.open()
        logger.info(
            "Accepted work is kept in Redis Streams (consumer %s, lease %gs)",
            shared.consumer,
            shared.lease,
        )
        return shared
    if settings.data_dir is None:
        return None
    store = JobStore(settings.data_dir / "jobs.sqlite3")
    try:
        await store.open()
    except (OSError, JobStoreError) as exc:
        await store.close()
        raise StartupError(
            f"LOOKERBOT_DATA_DIR: cannot keep accepted work in {settings.data_dir} "
            f"({type(exc).__name__}: {exc}); give the bot a writable folder there (in Docker, "
            "a volume)."
        ) from exc
    logger.info("Accepted deliveries are kept in %s", store.path)
    return store


async def _open_state(settings: Settings, redis: RedisClient | None) -> StateStore:
    """Where threads' last answers are kept for follow-ups: Redis, else SQLite in
    ``LOOKERBOT_DATA_DIR``, else memory."""
    if redis is not None:
        return RedisState(redis)
    if settings.data_dir is None:
        return MemoryState()
    store = SqliteState(settings.data_dir / "state.sqlite3")
    try:
        await store.open()
    except (OSError, StateError) as exc:
        await store.close()
        raise StartupError(
            f"LOOKERBOT_DATA_DIR: cannot keep state in {settings.data_dir} "
            f"({type(exc).__name__}: {exc}); give the bot a writable folder there (in Docker, "
            "a volume)."
        ) from exc
    return store


async def _take_over_periodically(
    jobs: RedisJobStore,
    deliveries: Deliveries,
    lookers: LookerRegistry,
    loading: LoadingMessages | None,
    poster: SlackPoster,
) -> None:
    """Every half lease, take over the work of replicas that went silent: their
    deliveries are run here, their loading messages replaced."""
    while True:
        await asyncio.sleep(jobs.lease / 2)
        taken = await deliveries.resume(lookers)
        if taken:
            logger.info("Took over %d delivery(ies) from a silent replica", taken)
        if loading is not None:
            await loading.repair(poster)


async def _start_socket_mode(
    settings: Settings, bolt: AsyncApp, session: aiohttp.ClientSession
) -> Any:
    if settings.slack_app_token is None:
        return None
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    # The handler opens the connection with the app's own client, so SLACK_API_URL holds.
    handler = AsyncSocketModeHandler(bolt, settings.slack_app_token.reveal())
    # slack_sdk reads HTTPS_PROXY for the websocket but ignores NO_PROXY: ask for the first
    # URL here and decide by its host (reconnections reach the same hosts).
    client = handler.client
    client.wss_uri = await client.issue_new_wss_url()
    client.proxy = settings.proxies.for_url(client.wss_uri)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    logger.info("Connected to Slack in Socket Mode")
    return handler


async def _drain(app: web.Application) -> None:
    runtime = app.get(RUNTIME)
    if runtime is not None:
        await runtime.tasks.drain(runtime.settings.shutdown_timeout)


def json_response(data: dict[str, Any], status: int = 200) -> web.Response:
    """A JSON response (Lookerbot's ``{"success": ..., "reason": ...}`` shape, usually)."""
    return web.json_response(data, status=status)


def failure(reason: str, status: int) -> web.Response:
    """``{"success": false, "reason": ...}`` with an HTTP error status."""
    return json_response({"success": False, "reason": reason}, status)


@web.middleware
async def _observe(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Around every request: a correlation id its work inherits, one log line, metrics, and
    errors as JSON (a bug as a 500 with an error id, logged, never a traceback)."""
    token = correlation_id.set(new_correlation_id())
    started = time.perf_counter()
    route = request.match_info.route.resource
    route_name = route.canonical if route is not None else "unmatched"
    try:
        response = await handler(request)
    except BodyError as exc:
        response = failure(messages.body_refused(exc.status, exc.limit), exc.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        reason = {
            404: messages.NOT_FOUND,
            405: messages.METHOD_NOT_ALLOWED,
            413: messages.body_refused(413, ACTION_HUB_MAX_BODY),
        }.get(exc.status, exc.reason)
        response = failure(reason, exc.status)
    except Exception:
        error_id = new_error_id()
        logger.exception("%s %s failed; error_id=%s", request.method, request.path, error_id)
        response = json_response(
            {"success": False, "reason": messages.INTERNAL_ERROR, "error_id": error_id}, 500
        )
    if not request.content.is_eof():
        # Refused before its body was read (unauthenticated, too large, too slow): close
        # the connection rather than read and discard the rest.
        response.force_close()
    elapsed = time.perf_counter() - started
    metrics = request.app[METRICS]
    metrics.requests.labels(route_name, str(response.status)).inc()
    metrics.request_seconds.labels(route_name).observe(elapsed)
    logger.info(
        "http %s %s status=%d ms=%.1f",
        request.method,
        route_name,
        response.status,
        elapsed * 1000,
    )
    correlation_id.reset(token)
    return response


async def _slack_handler(request: web.Request) -> web.StreamResponse:
    runtime = request.app[RUNTIME]
    received_at = asyncio.get_running_loop().time()  # Slack's 3 s count from about here
    body = await read_body(request, limit=SLACK_MAX_BODY)
    if not runtime.verifier.verify(body, request.headers):
        logger.warning("Rejected a Slack request with an invalid signature on %s", request.path)
        return failure(messages.INVALID_SLACK_SIGNATURE, 401)
    payload = classify(body)
    if payload is None:
        logger.warning("Refused a signed Slack request of a shape Slack does not send")
        return failure(messages.UNSUPPORTED_SLACK_PAYLOAD, 400)
    if payload.kind == "rate_limited":
        logger.warning("Slack says it is holding back events (app_rate_limited)")
        return web.Response(status=200)
    if payload.event is not None and runtime.directory.known_bot is None:
        # Without knowing who it is, the bot cannot tell its own messages apart: answer 503
        # within Slack's 3 s and Slack delivers the event again.
        try:
            await asyncio.wait_for(runtime.directory.bot_identity(), IDENTITY_WAIT)
        except SlackPostError as error:
            logger.error("Could not ask Slack who the bot is (auth.test: %s)", error.error)
            return failure(messages.SLACK_IDENTITY_UNAVAILABLE, 503)
        except TimeoutError:
            logger.error("Slack has not said who the bot is yet (auth.test still retrying)")
            return failure(messages.SLACK_IDENTITY_UNAVAILABLE, 503)
    # The body was read above (with a size limit), so it is handed to Bolt directly rather
    # than through to_bolt_request, which would read the request again.
    bolt_request = AsyncBoltRequest(
        body=body.decode("utf-8", "replace"),
        query=request.query_string,
        headers=dict(request.headers),
        context={RECEIVED_AT: received_at},
    )
    bolt_response = await runtime.bolt.async_dispatch(bolt_request)
    return await to_aiohttp_response(bolt_response)


async def _know_the_bot(directory: SlackDirectory) -> None:
    """Ask Slack who the bot is at start-up, so the first event need not wait for it."""
    try:
        await directory.bot_identity()
    except SlackPostError as error:
        logger.warning("Could not ask Slack who the bot is yet (auth.test: %s)", error.error)


async def _metrics(request: web.Request) -> web.Response:
    # Behind a bearer token: the series say what the bot does, for whom and how often.
    token = request.app[SETTINGS].metrics_token
    if token is None:
        return failure(messages.METRICS_OFF, 404)
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.matches(presented.strip()):
        response = failure(messages.METRICS_UNAUTHORIZED, 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="lookerbot metrics"'
        return response
    metrics = request.app[METRICS]
    runtime = request.app.get(RUNTIME)
    if runtime is not None and runtime.jobs is not None:
        try:
            queued, oldest = await runtime.jobs.queue()
        except JobStoreError as exc:
            logger.warning("Could not read the job queue for metrics: %s", exc)
        else:
            for kind in {"delivery", *queued}:
                metrics.queued_jobs.labels(kind).set(queued.get(kind, 0))
            metrics.oldest_job_seconds.set(oldest)
    body, content_type = metrics.exposition()
    response = web.Response(body=body)
    response.headers["Content-Type"] = content_type
    return response


async def _health_check(request: web.Request) -> web.Response:
    return json_response({"success": True, "reason": messages.HEALTHY})


_LANDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lookerbot</title></head>
<body><h1>Lookerbot {version}</h1>
<p>Looker in Slack. This server answers Slack and Looker; there is nothing to see here.</p>
<p>Health: <a href="/health_check">/health_check</a></p></body></html>
"""


async def _landing(request: web.Request) -> web.Response:
    return web.Response(text=_LANDING.format(version=__version__), content_type="text/html")
