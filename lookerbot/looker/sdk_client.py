"""SdkLookerClient: the LookerClient on looker-sdk (API 4.0).

The SDK's blocking ``requests`` calls run in a thread pool of the client's own, sized for the
number of Looker calls the bot may have in flight (the default executor holds only a few
threads). The SDK provides login, token renewal, the transport and its settings; responses
are parsed into the bot's own dataclasses (see :mod:`lookerbot.looker.models`).

Two things the SDK does not do are added here: a login lock, so that concurrent first calls
log in once, and one re-login when Looker answers 401 to a token the SDK still believes is
valid. The SDK's error path is bypassed on purpose: on an error it downloads Looker's error
documentation from the internet, synchronously and without a timeout.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import threading
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import requests
import requests.adapters
from looker_sdk import error as sdk_error
from looker_sdk.rtl import api_settings, auth_session, auth_token, serialize, transport
from looker_sdk.rtl.requests_transport import NullAuth
from looker_sdk.sdk import constants as sdk_constants

from lookerbot import __version__, messages
from lookerbot.errors import LookerApiError
from lookerbot.looker.client import RenderKind
from lookerbot.looker.models import (
    ContentKind,
    ContentRef,
    Dashboard,
    Explore,
    FieldSuggestions,
    Folder,
    Look,
    LookerUser,
    Query,
    QueryResult,
    RenderTask,
    Schedule,
)
from lookerbot.observability import Metrics
from lookerbot.proxies import Proxies
from lookerbot.settings import LookerInstanceSettings

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


def _raw_bytes(raw: bytes) -> bytes:
    return raw


def _json_value(raw: bytes) -> Any:
    return json.loads(raw) if raw else None


API_VERSION = "4.0"
_CONTENT_FIELDS = "id,title,description,folder(id,name)"
_EXPLORE_FIELDS = "id,name,label,model_name,view_name,description,fields"


class _Settings(api_settings.ApiSettings):
    """SDK settings from the bot's settings: no looker.ini, no LOOKERSDK_* variables."""

    def __init__(self, instance: LookerInstanceSettings, *, verify_ssl: bool, timeout: float):
        self._instance = instance
        super().__init__(sdk_version=sdk_constants.sdk_version)
        self.base_url = instance.api_base_url
        self.verify_ssl = verify_ssl
        self.timeout = timeout  # type: ignore[assignment]  # requests takes a float too
        self.agent_tag = f"{self.agent_tag} lookerbot/{__version__}"

    def read_config(self) -> api_settings.SettingsConfig:
        return {
            "client_id": self._instance.client_id,
            "client_secret": self._instance.client_secret.reveal(),
            "base_url": self._instance.api_base_url,
        }


class _Response(transport.Response):
    """The SDK's response, plus the status code and, when no answer came, why."""

    def __init__(
        self,
        ok: bool,
        value: bytes,
        mode: transport.ResponseMode,
        *,
        status: int | None,
        failure: str = "",
        timed_out: bool = False,
    ) -> None:
        super().__init__(ok, value, mode)
        self.status = status
        self.failure = failure
        self.timed_out = timed_out


class _Transport(transport.Transport):
    """The SDK's requests transport, keeping status codes and a right-sized connection pool."""

    def __init__(
        self, settings: transport.PTransportSettings, pool_size: int, proxies: Proxies
    ) -> None:
        self.settings = settings
        self.session = proxies.requests_session()  # the proxy as lookerbot.proxies decides
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=pool_size)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update({transport.LOOKER_API_ID: settings.agent_tag})
        if settings.headers:
            self.session.headers.update(settings.headers)
        self.session.headers["User-Agent"] = f"lookerbot/{__version__}"
        if not settings.verify_ssl:
            self.session.verify = False
        self.local = threading.local()

    @classmethod
    def configure(cls, settings: transport.PTransportSettings) -> transport.Transport:
        return cls(settings, pool_size=10, proxies=Proxies())

    def request(
        self,
        method: transport.HttpMethod,
        path: str,
        query_params: MutableMapping[str, str] | None = None,
        body: bytes | None = None,
        authenticator: transport.TAuthenticator = None,
        transport_options: transport.TransportOptions | None = None,
    ) -> transport.Response:
        headers: dict[str, str] = {}
        if authenticator:
            headers.update(authenticator(transport_options or {}))
        if transport_options and transport_options.get("headers"):
            headers.update(transport_options["headers"])
        response: _Response
        try:
            raw = self.session.request(
                method.name,
                path,
                auth=NullAuth(),
                params=query_params,
                data=body,
                headers=headers,
                timeout=self.settings.timeout,
            )
        except requests.Timeout:
            response = _Response(
                False,
                b"",
                transport.ResponseMode.STRING,
                status=None,
                failure="timed out",
                timed_out=True,
            )
        except OSError as exc:  # requests' ConnectionError and friends are OSErrors
            response = _Response(
                False,
                b"",
                transport.ResponseMode.STRING,
                status=None,
                failure=_connection_failure(exc),
            )
        else:
            response = _Response(
                raw.ok,
                raw.content,
                transport.response_mode(raw.headers.get("content-type")),
                status=raw.status_code,
            )
        self.local.last = response
        return response

    def last_response(self) -> _Response | None:
        """The last response this thread received (the login's, after a failed login)."""
        return getattr(self.local, "last", None)


class _LockedAuthSession(auth_session.AuthSession):
    """The SDK's auth session, with one login at a time instead of one per waiting call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()

    def authenticate(self, transport_options: transport.TransportOptions) -> dict[str, str]:
        with self._lock:
            return super().authenticate(transport_options)

    def forget_token(self) -> None:
        """Drop the current token so the next call logs in again."""
        with self._lock:
            self.token = auth_token.AuthToken()


class SdkLookerClient:
    """A :class:`~lookerbot.looker.client.LookerClient` for one instance, on looker-sdk.

    Args:
        instance: how to reach the instance.
        verify_tls: whether to verify Looker's TLS certificate.
        timeout: seconds to wait for one API call.
        concurrency: API calls in flight at once (threads and pooled connections).
        metrics: where call latencies and re-logins are counted.
        proxies: the outbound proxy rule (none by default).
    """

    def __init__(
        self,
        *,
        instance: LookerInstanceSettings,
        verify_tls: bool = True,
        timeout: float = 60.0,
        concurrency: int = 100,
        metrics: Metrics | None = None,
        proxies: Proxies | None = None,
    ) -> None:
        self.instance = instance
        self.timeout = timeout
        self._metrics = metrics or Metrics()
        settings = _Settings(instance, verify_ssl=verify_tls, timeout=timeout)
        self._transport = _Transport(settings, pool_size=concurrency, proxies=proxies or Proxies())
        self._auth = _LockedAuthSession(settings, self._transport, read_login_token, API_VERSION)
        self._api = f"{instance.api_base_url}/api/{API_VERSION}"
        self._host = host = urlsplit(instance.url).hostname or "looker"
        self._executor = ThreadPoolExecutor(
            max_workers=concurrency, thread_name_prefix=f"looker-{host}"
        )
        self._sudo = _SudoSessions(self)
        self.acting_as: str | None = None
        """The Looker user id this client acts as (``None``: the API user itself)."""

    def as_user(self, user_id: str) -> SdkLookerClient:
        """A client that acts as Looker user ``user_id`` (Looker's sudo login).

        It shares this client's connections and threads but has its own session, logged in
        and renewed on its own: requests of different users never share a session.
        """
        view = copy.copy(self)
        view.acting_as = str(user_id)
        return view

    async def some_users(self, limit: int) -> Sequence[LookerUser]:
        data = await self._json(
            "GET",
            "/users/search",
            params={
                "fields": "id,display_name,email,is_disabled",
                "is_disabled": "false",
                "limit": str(limit),
            },
        )
        return [LookerUser.from_api(item) for item in _list(data)]

    async def find_user_by_email(self, email: str) -> LookerUser | None:
        """The Looker user with this email address, if there is one.

        Looked up by credential, which matches exactly: ``/users/search`` reads ``_`` and
        ``%`` in an address as wildcards, so ``j_smith@`` would also find ``jasmith@``.
        """
        try:
            data = await self._json(
                "GET",
                f"/users/credential/email/{_id(email)}",
                params={"fields": "id,display_name,email,is_disabled"},
            )
        except LookerApiError as exc:
            if exc.status == 404:
                return None
            raise
        user = _object(data)
        if str(user.get("email", "")).lower() != email.lower():
            return None
        return LookerUser.from_api(user)

    # -- LookerClient ------------------------------------------------------------------

    async def me(self) -> LookerUser:
        data = await self._json(
            "GET",
            "/user",
            params={"fields": "id,display_name,email,is_disabled,personal_folder_id"},
        )
        return LookerUser.from_api(_object(data))

    async def search_content(
        self, kind: ContentKind, title_pattern: str, *, limit: int
    ) -> Sequence[ContentRef]:
        path = "/looks/search" if kind == "look" else "/dashboards/search"
        data = await self._json(
            "GET",
            path,
            params={
                "title": title_pattern,
                "fields": _CONTENT_FIELDS,
                "limit": str(limit),
                "deleted": "false",
            },
        )
        return [ContentRef.from_api(kind, item) for item in _list(data)]

    async def look(self, look_id: str) -> Look:
        return Look.from_api(_object(await self._json("GET", f"/looks/{_id(look_id)}")))

    async def dashboard(self, dashboard_id: str) -> Dashboard:
        data = await self._json("GET", f"/dashboards/{_id(dashboard_id)}")
        return Dashboard.from_api(_object(data))

    async def folder(self, folder_id: str) -> Folder:
        data = await self._json(
            "GET", f"/folders/{_id(folder_id)}", params={"fields": "id,name,parent_id"}
        )
        return Folder.from_api(_object(data))

    async def folder_children(self, folder_id: str) -> Sequence[Folder]:
        data = await self._json(
            "GET", f"/folders/{_id(folder_id)}/children", params={"fields": "id,name,parent_id"}
        )
        return [Folder.from_api(item) for item in _list(data)]

    async def folder_dashboards(self, folder_id: str) -> Sequence[ContentRef]:
        data = await self._json(
            "GET",
            f"/folders/{_id(folder_id)}/dashboards",
            params={"fields": "id,title,description,deleted"},
        )
        return [
            ContentRef.from_api("dashboard", item)
            for item in _list(data)
            if not item.get("deleted")
        ]

    async def query(self, query_id: str) -> Query:
        return Query.from_api(_object(await self._json("GET", f"/queries/{_id(query_id)}")))

    async def query_for_slug(self, slug: str) -> Query:
        return Query.from_api(_object(await self._json("GET", f"/queries/slug/{_id(slug)}")))

    async def create_query(self, body: dict[str, Any]) -> Query:
        return Query.from_api(_object(await self._json("POST", "/queries", body=body)))

    async def explore(self, model: str, explore: str) -> Explore:
        data = await self._json(
            "GET",
            f"/lookml_models/{_id(model)}/explores/{_id(explore)}",
            params={"fields": _EXPLORE_FIELDS},
        )
        return Explore.from_api(_object(data))

    async def field_suggestions(
        self, model: str, explore: str, field: str, *, term: str = ""
    ) -> FieldSuggestions:
        params = {"term": term} if term else {}
        data = await self._json(
            "GET",
            f"/models/{_id(model)}/views/{_id(explore)}/fields/{_id(field)}/suggestions",
            params=params,
        )
        return FieldSuggestions.from_api(data)

    async def run_query(self, query_id: str) -> QueryResult:
        path = f"/queries/{_id(query_id)}/run/json_detail"
        return await self._read(QueryResult.from_json, "GET", path)

    async def run_inline_query(self, body: dict[str, Any]) -> QueryResult:
        return await self._read(
            QueryResult.from_json, "POST", "/queries/run/json_detail", body=body
        )

    async def create_render_task(
        self,
        kind: RenderKind,
        target_id: str,
        *,
        width: int,
        height: int,
        body: dict[str, Any] | None = None,
    ) -> RenderTask:
        section = {"query": "queries", "look": "looks", "dashboard": "dashboards"}[kind]
        data = await self._json(
            "POST",
            f"/render_tasks/{section}/{_id(target_id)}/png",
            params={"width": str(width), "height": str(height)},
            body=body if body is not None else ({} if kind == "dashboard" else None),
        )
        return RenderTask.from_api(_object(data))

    async def render_task(self, task_id: str) -> RenderTask:
        return RenderTask.from_api(
            _object(await self._json("GET", f"/render_tasks/{_id(task_id)}"))
        )

    async def render_task_results(self, task_id: str) -> bytes:
        return await self._call("GET", f"/render_tasks/{_id(task_id)}/results", decode=_raw_bytes)

    async def perform_data_action(
        self, action: dict[str, Any], *, form_values: dict[str, str] | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"action": action}
        if form_values is not None:
            body["form_values"] = form_values
        return _object(await self._json("POST", "/data_actions", body=body))

    async def fetch_data_action_form(self, action: dict[str, Any]) -> list[dict[str, Any]]:
        data = _object(await self._json("POST", "/data_actions/form", body={"action": action}))
        fields = data.get("fields")
        return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []

    async def create_look(self, body: dict[str, Any]) -> Look:
        return Look.from_api(_object(await self._json("POST", "/looks", body=body)))

    async def create_scheduled_plan(self, body: dict[str, Any]) -> Schedule:
        return Schedule.from_api(_object(await self._json("POST", "/scheduled_plans", body=body)))

    async def scheduled_plans(self, *, all_users: bool = False) -> Sequence[Schedule]:
        params = {"all_users": "true"} if all_users else {}
        data = await self._json("GET", "/scheduled_plans", params=params)
        return [Schedule.from_api(item) for item in _list(data)]

    async def scheduled_plan(self, plan_id: str) -> Schedule:
        data = await self._json("GET", f"/scheduled_plans/{_id(plan_id)}")
        return Schedule.from_api(_object(data))

    async def update_scheduled_plan(self, plan_id: str, body: dict[str, Any]) -> Schedule:
        data = await self._json("PATCH", f"/scheduled_plans/{_id(plan_id)}", body=body)
        return Schedule.from_api(_object(data))

    async def delete_scheduled_plan(self, plan_id: str) -> None:
        await self._call("DELETE", f"/scheduled_plans/{_id(plan_id)}", decode=lambda _: None)

    async def run_scheduled_plan_once(self, plan_id: str) -> Schedule:
        data = await self._json("POST", f"/scheduled_plans/{_id(plan_id)}/run_once")
        return Schedule.from_api(_object(data))

    async def integration_hubs(self) -> Sequence[tuple[str, str]]:
        data = await self._json("GET", "/integration_hubs", params={"fields": "id,url"})
        return [(str(h.get("id")), str(h.get("url") or "")) for h in _list(data)]

    async def aclose(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._transport.session.close()

    # -- plumbing ----------------------------------------------------------------------

    async def _json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> Any:
        return await self._read(_json_value, method, path, params=params, body=body)

    async def _read(
        self,
        read: Callable[[bytes], _T],
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> _T:
        """The answer read from its bytes by ``read`` (which raises ``ValueError`` for what
        is not JSON), in the Looker thread: reading a large result (a 10,000-row query is
        megabytes of JSON) must not hold up the event loop."""

        def decode(raw: bytes) -> _T:
            try:
                return read(raw)
            except ValueError as exc:
                logger.warning("Looker %s answered %s with invalid JSON", self.instance.url, path)
                raise LookerApiError(
                    messages.looker_error(self.instance.url, 200, "its answer was not valid JSON"),
                    status=200,
                ) from exc

        return await self._call(method, path, params=params, body=body, decode=decode)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        decode: Callable[[bytes], _T],
    ) -> _T:
        loop = asyncio.get_running_loop()
        payload = None if body is None else json.dumps(body).encode("utf-8")
        args = dict(params or {})

        def call() -> _T:
            return decode(self._call_blocking(method, path, args, payload))

        with self._metrics.looker_call(self._host, method, path) as outcome:
            try:
                return await loop.run_in_executor(self._executor, call)
            except LookerApiError as exc:
                outcome[0] = str(exc.status or "unreachable")
                raise

    def _call_blocking(
        self, method: str, path: str, params: dict[str, str], body: bytes | None
    ) -> bytes:
        authenticate, forget = self._session()
        for attempt in (1, 2):
            try:
                response = self._transport.request(
                    transport.HttpMethod[method],
                    self._api + path,
                    query_params=params,
                    body=body,
                    authenticator=authenticate,
                )
            except sdk_error.SDKError as exc:
                raise self._login_error(exc) from None
            assert isinstance(response, _Response)
            if response.status == 401 and attempt == 1:
                # The token was revoked or expired early: log in once more, then give up.
                logger.info("Looker %s answered 401; logging in again", self.instance.url)
                self._metrics.retries.labels("looker", "relogin").inc()
                forget()
                continue
            if not response.ok:
                raise self._api_error(response, method, path)
            return response.value
        raise AssertionError("unreachable")

    def _session(
        self,
    ) -> tuple[Callable[[transport.TransportOptions], dict[str, str]], Callable[[], None]]:
        """How to authenticate calls, and how to drop the session after a 401."""
        user = self.acting_as
        if user is None:
            return self._auth.authenticate, self._auth.forget_token
        return (lambda _options: self._sudo.headers(user)), (lambda: self._sudo.forget(user))

    def _login_error(self, exc: sdk_error.SDKError) -> LookerApiError:
        if isinstance(exc, _SudoFailed):
            return LookerApiError(exc.reason, status=exc.status, looker_message=exc.detail)
        response = self._transport.last_response()
        url = self.instance.url
        if response is not None and response.status is None:
            logger.warning("Looker %s login failed: %s", url, response.failure)
            if response.timed_out:
                return LookerApiError(messages.looker_timeout(url, self.timeout), status=None)
            return LookerApiError(messages.looker_unreachable(url, response.failure), status=None)
        detail = _looker_message(response.value if response else str(exc.message).encode())
        status = response.status if response else None
        logger.warning("Looker %s login failed: HTTP %s %s", url, status, detail)
        return LookerApiError(
            messages.looker_login_failed(url, detail), status=status, looker_message=detail
        )

    def _api_error(self, response: _Response, method: str, path: str) -> LookerApiError:
        url = self.instance.url
        status = response.status
        if status is None:
            logger.warning("Looker %s %s %s failed: %s", url, method, path, response.failure)
            if response.timed_out:
                return LookerApiError(messages.looker_timeout(url, self.timeout), status=None)
            return LookerApiError(messages.looker_unreachable(url, response.failure), status=None)
        detail = _looker_message(response.value)
        logger.warning("Looker %s %s %s answered HTTP %s: %s", url, method, path, status, detail)
        if status == 401:
            reason = messages.looker_login_failed(url, detail)
        elif status == 403:
            reason = messages.looker_forbidden(url, detail)
        elif status == 404:
            reason = messages.looker_not_found(url, detail)
        elif status == 429:
            reason = messages.looker_rate_limited(url)
        elif status >= 500:
            reason = messages.looker_server_error(url, status, detail)
        else:
            reason = messages.looker_error(url, status, detail)
        return LookerApiError(reason, status=status, looker_message=detail)


class _SudoSessions:
    """Sessions of the Looker users the bot acts as: one per user, logged in on first use
    with the API user's session (Looker's ``POST /login/<user_id>``) and renewed when they
    expire. Thread-safe: each user's login is serialized, different users' run in parallel.
    """

    def __init__(self, client: SdkLookerClient) -> None:
        self._client = client
        self._tokens: dict[str, auth_token.AuthToken] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def headers(self, user_id: str) -> dict[str, str]:
        with self._guard:
            lock = self._locks.setdefault(user_id, threading.Lock())
        with lock:
            token = self._tokens.get(user_id)
            if token is None or not token.is_active:
                token = self._login(user_id)
                self._tokens[user_id] = token
            return {"Authorization": f"Bearer {token.access_token}"}

    def forget(self, user_id: str) -> None:
        with self._guard:
            self._tokens.pop(user_id, None)

    def _login(self, user_id: str) -> auth_token.AuthToken:
        client = self._client
        response = client._transport.request(
            transport.HttpMethod.POST,
            f"{client._api}/login/{_id(user_id)}",
            authenticator=client._auth.authenticate,
        )
        assert isinstance(response, _Response)
        if response.status == 401:
            client._auth.forget_token()
            response = client._transport.request(
                transport.HttpMethod.POST,
                f"{client._api}/login/{_id(user_id)}",
                authenticator=client._auth.authenticate,
            )
            assert isinstance(response, _Response)
        if not response.ok:
            detail = _looker_message(response.value) if response.status else response.failure
            logger.warning(
                "Looker %s: could not act as user %s: HTTP %s %s",
                client.instance.url,
                user_id,
                response.status,
                detail,
            )
            raise _SudoFailed(
                messages.looker_sudo_failed(client.instance.url, detail), response.status, detail
            )
        data = json.loads(response.value)
        logger.info("Looker %s: acting as user %s", client.instance.url, user_id)
        return auth_token.AuthToken(
            auth_token.AccessToken(
                access_token=data.get("access_token"),
                token_type=data.get("token_type"),
                expires_in=data.get("expires_in"),
            )
        )


def read_login_token(*, data: bytes | str, structure: Any = None) -> auth_token.AccessToken:
    """A login answer as the SDK's ``AccessToken`` (what its ``AuthSession`` expects from
    its ``deserialize``), read without looker-sdk's ``deserialize``: that registers a cattrs
    structure-hook factory on every call, which clears cattrs' dispatch cache and lengthens
    its hook list, so each call is slower than the one before for the life of the process
    (docs/looker-sdk-deserialize-bug.md)."""
    try:
        parsed = json.loads(data)
    except ValueError as exc:
        raise serialize.DeserializeError(f"Bad json {exc}") from exc
    if not isinstance(parsed, dict) or not isinstance(parsed.get("access_token"), str):
        raise serialize.DeserializeError("the login answer has no access_token")
    try:
        expires_in = int(parsed.get("expires_in") or 0) or None
    except (TypeError, ValueError):
        expires_in = None
    refresh = parsed.get("refresh_token")
    return auth_token.AccessToken(
        access_token=parsed["access_token"],
        token_type=str(parsed.get("token_type") or "Bearer"),
        expires_in=expires_in,
        refresh_token=refresh if isinstance(refresh, str) else None,
    )


class _SudoFailed(sdk_error.SDKError):
    """A sudo login Looker refused (surfaces as a LookerApiError)."""

    def __init__(self, reason: str, status: int | None, detail: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.detail = detail


def _looker_message(body: bytes) -> str:
    """Looker's own error message from an error body; nothing when the body is not Looker's.

    A proxy's HTML error page says nothing useful and must not be shown to people.
    """
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [str(data["message"])] if data.get("message") else []
    for item in data.get("errors") or []:
        if isinstance(item, dict) and item.get("message"):
            field = f"{item['field']}: " if item.get("field") else ""
            parts.append(f"{field}{item['message']}")
    return "; ".join(parts)[:500]


def _connection_failure(exc: OSError) -> str:
    text = str(exc)
    for marker, plain in (
        ("Connection refused", "connection refused"),
        ("Name or service not known", "unknown host"),
        ("nodename nor servname", "unknown host"),
        ("CERTIFICATE_VERIFY_FAILED", "its TLS certificate could not be verified"),
        ("timed out", "timed out"),
    ):
        if marker in text:
            return plain
    return "connection failed"


def _id(value: str) -> str:
    """An id made safe as one path segment."""
    return quote(str(value), safe=":")


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise LookerApiError("Looker answered with something other than an object.", status=200)
    return data


def _list(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, list):
        raise LookerApiError("Looker answered with something other than a list.", status=200)
    return [item for item in data if isinstance(item, dict)]
