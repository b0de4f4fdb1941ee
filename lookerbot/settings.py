"""Settings: the only module that reads the environment.

Every variable of the Node.js Lookerbot keeps its name and meaning, so an existing
deployment's environment works unchanged; the newer Slack platform adds a few of its own.
:data:`VARIABLES` lists them all (``.env.example`` and ``app.json`` are checked against it).

:func:`load_settings` reads the environment (and a ``.env`` file, whose values lose to real
environment variables), validates everything, and either returns a frozen :class:`Settings`
or raises :class:`~lookerbot.errors.SettingsError` listing every problem at once. No problem
text ever contains a secret's value.
"""

from __future__ import annotations

import dataclasses
import hmac
import importlib.util
import ipaddress
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from dotenv import dotenv_values

from lookerbot.errors import SettingsError
from lookerbot.proxies import Proxies

DEFAULT_PORT = 3333
DEFAULT_DATA_DIR = "lookerbot-data"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_RENDER_TIMEOUT = 120.0
ImageStoreName = Literal["slack", "s3", "azure", "gcs"]
IMAGE_STORES: dict[str, ImageStoreName] = {
    "slack": "slack",
    "s3": "s3",
    "azure": "azure",
    "gcs": "gcs",
}
MAX_S3_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs live at most a week
MAX_AZURE_SAS_SECONDS = 365 * 24 * 3600
MIN_CHART_SIDE, MAX_CHART_SIDE = 100, 4000
_GCS_CREDENTIAL_TYPES = ("service_account", "authorized_user")
_STORE_MODULES = {"s3": "boto3", "azure": "azure.storage.blob", "gcs": "google.cloud.storage"}


class Secret:
    """A secret string that does not print itself.

    ``str()`` and ``repr()`` show ``***``; :meth:`reveal` returns the value for the one
    place that needs it, and :meth:`matches` compares in constant time.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret value."""
        return self._value

    def matches(self, candidate: str | None) -> bool:
        """Compare ``candidate`` with the secret in constant time."""
        if candidate is None:
            return False
        # surrogatepass: a header with bytes that are not UTF-8 (decoded by aiohttp with
        # surrogateescape) is a mismatch, never an encoding error.
        return hmac.compare_digest(
            candidate.encode("utf-8", "surrogatepass"), self._value.encode("utf-8")
        )

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and self.matches(other._value)

    def __hash__(self) -> int:
        return hash(Secret)


@dataclass(frozen=True)
class Variable:
    """One environment variable the bot understands.

    Attributes:
        name: the variable's name.
        help: one line saying what it does (used in ``.env.example`` and ``app.json``).
        group: heading it is listed under.
        secret: its value must never be printed.
        aliases: older names that mean the same thing.
        example: the value shown in ``.env.example``.
        required: whether a single-instance deployment must set it.
    """

    name: str
    help: str
    group: str
    secret: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    required: bool = False


VARIABLES: tuple[Variable, ...] = (
    # Slack
    Variable(
        "SLACK_BOT_TOKEN",
        "Bot User OAuth Token (xoxb-...), under OAuth & Permissions. SLACK_API_KEY also works.",
        "Slack",
        secret=True,
        aliases=("SLACK_API_KEY",),
        example="xoxb-0000000000-0000000000000-abcdefghijklmnopqrstuvwx",
        required=True,
    ),
    Variable(
        "SLACK_SIGNING_SECRET",
        "Signing secret from Basic Information > App Credentials; verifies Slack's requests "
        "(not needed in Socket Mode).",
        "Slack",
        secret=True,
        example="0123456789abcdef0123456789abcdef",
        required=True,
    ),
    Variable(
        "SLACK_APP_TOKEN",
        "App-level token (xapp-...) with connections:write. If set, Socket Mode is used "
        "and Slack needs no public URL.",
        "Slack",
        secret=True,
    ),
    Variable(
        "SLACK_SLASH_COMMAND_TOKEN",
        "Deprecated verification token; only used when SLACK_SIGNING_SECRET is not set.",
        "Slack",
        secret=True,
    ),
    Variable(
        "SLACK_API_URL",
        f"Base URL of the Slack Web API (default {DEFAULT_SLACK_API_URL}).",
        "Slack",
    ),
    # Looker
    Variable(
        "LOOKER_URL",
        "Web URL of your Looker instance, e.g. https://mycompany.looker.com.",
        "Looker",
        example="https://mycompany.looker.com",
        required=True,
    ),
    Variable(
        "LOOKER_API_BASE_URL",
        "Looker API URL, e.g. https://mycompany.looker.com:19999 (a trailing /api/4.0 is "
        "fine; the bot always speaks API 4.0). Defaults to LOOKER_URL.",
        "Looker",
        example="https://mycompany.looker.com:19999/api/4.0",
    ),
    Variable(
        "LOOKER_API_CLIENT_ID",
        "API client ID of the Looker user the bot runs as. LOOKER_API_3_CLIENT_ID also works.",
        "Looker",
        aliases=("LOOKER_API_3_CLIENT_ID",),
        example="abcdefghjkl",
        required=True,
    ),
    Variable(
        "LOOKER_API_CLIENT_SECRET",
        "API client secret for that client ID. LOOKER_API_3_CLIENT_SECRET also works.",
        "Looker",
        secret=True,
        aliases=("LOOKER_API_3_CLIENT_SECRET",),
        example="abcdefghjkl",
        required=True,
    ),
    Variable(
        "LOOKER_CUSTOM_COMMAND_FOLDER_ID",
        "ID of a Looker folder whose dashboards become custom commands. "
        "LOOKER_CUSTOM_COMMAND_SPACE_ID also works.",
        "Looker",
        aliases=("LOOKER_CUSTOM_COMMAND_SPACE_ID",),
        example="13",
    ),
    Variable(
        "LOOKER_WEBHOOK_TOKEN",
        "Webhook validation token from Looker's admin panel; authorizes scheduled webhooks.",
        "Looker",
        secret=True,
    ),
    Variable(
        "LOOKERS",
        "JSON array of Looker instances; when set, the single-instance LOOKER_* variables "
        "are ignored. Keys: url, apiBaseUrl, clientId, clientSecret, customCommandFolderId, "
        "webhookToken, runAsUser, askExplores.",
        "Looker",
        secret=True,
    ),
    Variable(
        "LOOKERBOT_RUN_AS_USER",
        "Set to email to run each person's requests as the Looker user with their Slack email "
        "(needs an admin API user). Per instance: runAsUser in LOOKERS.",
        "Looker",
    ),
    Variable(
        "NODE_TLS_REJECT_UNAUTHORIZED",
        "Set to 0 to accept Looker's TLS certificate without verifying it (self-signed "
        "on-premise instances only).",
        "Looker",
    ),
    # Behaviour
    Variable(
        "LOOKER_SLACKBOT_LOADING_MESSAGES",
        "Set to false to stop posting a loading message before each answer.",
        "Behaviour",
    ),
    Variable(
        "LOOKER_SLACKBOT_EXPAND_URLS",
        "Set to false to stop unfurling Looker links posted in Slack.",
        "Behaviour",
    ),
    Variable(
        "LOOKERBOT_DATA_ACTIONS_IN_MESSAGES",
        "Set to false to hide LookML data action buttons in messages.",
        "Behaviour",
    ),
    Variable(
        "ALLOW_SLACK_GUEST_USERS",
        "Set to true to let Slack guest users use the bot.",
        "Behaviour",
    ),
    Variable(
        "ALLOW_SLACK_SHARED_WORKSPACES",
        "Set to true to let users from other workspaces (shared channels) use the bot.",
        "Behaviour",
    ),
    # Asking questions
    Variable(
        "LOOKERBOT_ASK_EXPLORES",
        "Explores `ask` answers questions from, as model/explore separated by commas; with "
        "LOOKERS, the default for instances without askExplores. Unset: ask is off.",
        "Asking questions",
        example="thelook/orders",
    ),
    Variable(
        "LOOKERBOT_ASK_LLM_URL",
        "Optional OpenAI-compatible API (its base URL, or its /chat/completions URL) that reads "
        "questions first; the bot checks its query and falls back to its own parser.",
        "Asking questions",
        example="https://api.openai.com/v1",
    ),
    Variable(
        "LOOKERBOT_ASK_LLM_KEY",
        "API key sent to LOOKERBOT_ASK_LLM_URL as a Bearer token, if it needs one.",
        "Asking questions",
        secret=True,
    ),
    Variable(
        "LOOKERBOT_ASK_LLM_MODEL",
        "Model name to ask at LOOKERBOT_ASK_LLM_URL; required when that is set.",
        "Asking questions",
    ),
    Variable(
        "LOOKERBOT_ASK_LLM_TIMEOUT",
        "Seconds to wait for the language model before the parser answers (default 20).",
        "Asking questions",
    ),
    # Server
    Variable("PORT", f"Port the web server listens on (default {DEFAULT_PORT}).", "Server"),
    Variable("LOOKERBOT_HOST", "Address the web server binds (default 0.0.0.0).", "Server"),
    Variable(
        "LOOKERBOT_PUBLIC_URL",
        "The bot's public https URL, used wherever it tells Looker or Slack its own address.",
        "Server",
        example="https://lookerbot.example.com",
    ),
    Variable(
        "LOOKERBOT_AUTH_TOKEN",
        "Token Looker sends (Authorization: Token token=...) for webhooks and the Action Hub.",
        "Server",
        secret=True,
    ),
    Variable(
        "LOOKERBOT_RUDDERSTACK_PRIVATE_HOSTS",
        "Comma-separated host names of self-hosted RudderStack data planes on a private "
        "network, which the Action Hub may send to; every other private address is refused.",
        "Server",
        example="rudder.internal.example.com",
    ),
    Variable(
        "LOOKERBOT_WEBHOOKS",
        "true or false: serve the routes Looker authenticates with its webhook token "
        "(scheduled /slack/post/..., LookML data actions). Default true, but false when "
        "run-as is on; the Action Hub needs only LOOKERBOT_AUTH_TOKEN.",
        "Server",
    ),
    Variable(
        "LOOKERBOT_METRICS_TOKEN",
        "Bearer token Prometheus sends (Authorization: Bearer ...) to read GET /metrics; "
        "metrics are off when unset.",
        "Server",
        secret=True,
    ),
    Variable(
        "LOOKERBOT_REDIS_URL",
        "redis://host:6379/0 to share state between bot processes (Slack retry "
        "de-duplication); rediss:// for TLS, with ?ssl_cert_reqs=none for self-signed "
        "certificates (Heroku Redis); in memory when unset.",
        "Server",
        secret=True,
    ),
    Variable(
        "LOOKERBOT_PLUGINS",
        "Comma-separated Python modules whose register(app) adds Bolt listeners, middleware "
        "or error handlers to the bot's Bolt app at start.",
        "Server",
        example="mycompany.lookerbot_reactions",
    ),
    Variable(
        "HTTPS_PROXY",
        "Outbound proxy for https:// (and wss://) calls: Slack, Looker, the image stores, "
        "Braze, RudderStack, the language model. HTTP_PROXY is for http:// URLs, ALL_PROXY "
        "the fallback for both; lower-case names work too.",
        "Server",
        secret=True,
        aliases=("https_proxy",),
        example="http://proxy.example.com:3128",
    ),
    Variable(
        "HTTP_PROXY",
        "Outbound proxy for http:// (and ws://) URLs, such as a Looker on plain http.",
        "Server",
        secret=True,
        aliases=("http_proxy",),
    ),
    Variable(
        "ALL_PROXY",
        "Outbound proxy for both schemes where the scheme's own variable is unset.",
        "Server",
        secret=True,
        aliases=("all_proxy",),
    ),
    Variable(
        "NO_PROXY",
        "Hosts reached without the proxy: names (their subdomains too), IP addresses, CIDR "
        "blocks, host:port; * for every host.",
        "Server",
        aliases=("no_proxy",),
        example="looker.internal,10.0.0.0/8",
    ),
    Variable(
        "LOOKERBOT_LOOKER_TIMEOUT",
        "Seconds to wait for one Looker API call (default 60).",
        "Server",
    ),
    Variable(
        "LOOKERBOT_LOOKER_CONCURRENCY",
        "Looker API calls in flight at once, per instance (default 100).",
        "Server",
    ),
    Variable(
        "LOOKERBOT_DATA_DIR",
        "Folder of the bot's durable state (accepted deliveries, in SQLite); default "
        "./lookerbot-data in the working directory. Mount a volume here in Docker.",
        "Server",
    ),
    Variable(
        "LOOKERBOT_JOB_LEASE",
        "With LOOKERBOT_REDIS_URL: seconds of silence after which a replica counts as gone "
        "and another takes over its unfinished work (default 30).",
        "Server",
    ),
    Variable(
        "LOOKERBOT_DELIVERY_WAIT",
        "Seconds a scheduled webhook waits for its post before answering Looker (default 25, "
        "under Heroku's 30 s router timeout); a delivery still running then finishes on its "
        "own, and is recorded so that a restart finishes it.",
        "Server",
    ),
    Variable(
        "LOOKERBOT_SHUTDOWN_TIMEOUT",
        "Seconds to let in-flight work finish after SIGTERM (default 25).",
        "Server",
    ),
    Variable(
        "LOOKERBOT_REQUEST_TIMEOUT",
        "Seconds a client may take to send a request's headers, and again its body, and "
        "that an idle connection is kept (default 20); slower connections are closed.",
        "Server",
    ),
    Variable("LOOKERBOT_LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR (default INFO).", "Server"),
    Variable("LOOKERBOT_LOG_FORMAT", "text or json (default text).", "Server"),
    Variable(
        "DEBUG_MODE", "Set to true for DEBUG logging (as LOOKERBOT_LOG_LEVEL=DEBUG).", "Server"
    ),
    Variable(
        "UNSAFE_LOCAL_DEV",
        "Set to true while developing: marks messages [DEVELOPMENT] and skips Looker TLS checks.",
        "Server",
    ),
    # Chart images
    Variable(
        "LOOKERBOT_IMAGE_STORE",
        "Where chart images go: slack, s3, azure or gcs (default: the first of S3, Azure, "
        "Google Cloud whose bucket or container is set, else slack).",
        "Chart images",
    ),
    Variable("SLACKBOT_S3_BUCKET", "Amazon S3 bucket for chart images.", "Chart images"),
    Variable(
        "SLACKBOT_S3_BUCKET_REGION",
        "Region of that bucket (default us-east-1).",
        "Chart images",
    ),
    Variable(
        "AWS_ACCESS_KEY_ID",
        "AWS access key that can write to the bucket (else the default credential chain).",
        "Chart images",
    ),
    Variable("AWS_SECRET_ACCESS_KEY", "Secret for that access key.", "Chart images", secret=True),
    Variable(
        "LOOKERBOT_S3_PRESIGN_SECONDS",
        "Post presigned S3 URLs valid this long (up to 604800) instead of public objects, "
        "for buckets that forbid public access.",
        "Chart images",
    ),
    Variable(
        "AWS_ENDPOINT_URL",
        "An S3-compatible endpoint to use instead of AWS's (MinIO, Cloudflare R2, moto).",
        "Chart images",
    ),
    Variable("AZURE_STORAGE_ACCOUNT", "Azure Storage account for chart images.", "Chart images"),
    Variable(
        "SLACKBOT_AZURE_CONTAINER",
        "Container within that Azure Storage account.",
        "Chart images",
    ),
    Variable(
        "AZURE_STORAGE_ACCESS_KEY",
        "Access key of that Azure Storage account.",
        "Chart images",
        secret=True,
    ),
    Variable(
        "AZURE_STORAGE_CONNECTION_STRING",
        "Azure Storage connection string (instead of account name and access key).",
        "Chart images",
        secret=True,
    ),
    Variable(
        "LOOKERBOT_AZURE_SAS_SECONDS",
        "Post SAS URLs valid this long instead of relying on a public container (needs the "
        "account key).",
        "Chart images",
    ),
    Variable(
        "GOOGLE_CLOUD_BUCKET", "Google Cloud Storage bucket for chart images.", "Chart images"
    ),
    Variable("GOOGLE_CLOUD_PROJECT", "Google Cloud project of that bucket.", "Chart images"),
    Variable(
        "GOOGLE_CLOUD_CREDENTIALS_JSON",
        "Content of a service account's credentials JSON, or the path of that file "
        "(else the default credentials).",
        "Chart images",
        secret=True,
    ),
    Variable(
        "STORAGE_EMULATOR_HOST",
        "URL of a Google Cloud Storage emulator to use instead of Google's (development).",
        "Chart images",
    ),
    Variable(
        "LOOKERBOT_RENDER_TIMEOUT",
        f"Seconds to wait for Looker to render one chart (default {DEFAULT_RENDER_TIMEOUT:g}).",
        "Chart images",
    ),
    Variable(
        "LOOKERBOT_CHART_SIZES",
        "Chart sizes in pixels by visualization type, over the defaults, e.g. "
        "looker_pie=600x600,default=800x500,dashboard=1600x1200.",
        "Chart images",
    ),
)

_VARIABLE_NAMES = frozenset(n for v in VARIABLES for n in (v.name, *v.aliases))

_LOOKERS_KEYS = {
    "url": "url",
    "apiBaseUrl": "apiBaseUrl",
    "clientId": "clientId",
    "clientID": "clientId",
    "clientSecret": "clientSecret",
    "customCommandFolderId": "customCommandFolderId",
    "customCommandSpaceId": "customCommandFolderId",
    "webhookToken": "webhookToken",
    "runAsUser": "runAsUser",
    "askExplores": "askExplores",
}

_EXPLORE = re.compile(r"[A-Za-z0-9_]+/[A-Za-z0-9_]+")

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_API_SUFFIX = re.compile(r"/api/\d+(\.\d+)?/?$")


@dataclass(frozen=True, kw_only=True)
class LookerInstanceSettings:
    """How to reach one Looker instance.

    Attributes:
        url: the web URL people see, without a trailing slash.
        api_base_url: the API host URL without ``/api/<version>``; the SDK adds ``/api/4.0``.
        client_id: API client ID.
        client_secret: API client secret.
        custom_command_folder_id: folder whose dashboards are custom commands, if any.
        webhook_token: Looker's webhook validation token, if any.
        run_as_user: ``"email"`` to run people's requests as their own Looker user.
        ask_explores: the Explores ``ask`` answers from, as ``model/explore``.
    """

    url: str
    api_base_url: str
    client_id: str
    client_secret: Secret
    custom_command_folder_id: str | None = None
    webhook_token: Secret | None = None
    run_as_user: Literal["email"] | None = None
    ask_explores: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AskLlmSettings:
    """An OpenAI-compatible chat-completions endpoint that reads questions before the parser.

    Attributes:
        url: the chat-completions URL (``.../chat/completions``).
        model: the model to ask for.
        api_key: sent as a Bearer token, if set.
        timeout: seconds to wait for an answer.
    """

    url: str
    model: str
    api_key: Secret | None = None
    timeout: float = 20.0


@dataclass(frozen=True, kw_only=True)
class StorageSettings:
    """Where chart images go, and the settings of that store.

    ``image_store`` is the store in use; the other stores' variables are kept as read (a
    store that is not chosen is not validated beyond its values' shape).
    """

    image_store: ImageStoreName = "slack"
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    aws_access_key_id: str | None = None
    aws_secret_access_key: Secret | None = None
    aws_endpoint_url: str | None = None
    s3_presign_seconds: int | None = None
    azure_account: str | None = None
    azure_container: str | None = None
    azure_access_key: Secret | None = None
    azure_connection_string: Secret | None = None
    azure_sas_seconds: int | None = None
    gcs_bucket: str | None = None
    gcs_project: str | None = None
    gcs_credentials_json: Secret | None = None
    storage_emulator_host: str | None = None


@dataclass(frozen=True, kw_only=True)
class ChartSettings:
    """How charts are rendered.

    Attributes:
        render_timeout: seconds to wait for one render task.
        sizes: ``(name, width, height)`` over the built-in sizes; ``name`` is a
            visualization type (``looker_pie``), ``default`` or ``dashboard``.
    """

    render_timeout: float = DEFAULT_RENDER_TIMEOUT
    sizes: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the bot is configured with, validated.

    Build it with :func:`load_settings` (from the environment) or directly (tests, demo).
    """

    slack_bot_token: Secret
    lookers: tuple[LookerInstanceSettings, ...]
    slack_signing_secret: Secret | None = None
    slack_verification_token: Secret | None = None
    slack_app_token: Secret | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    lookerbot_auth_token: Secret | None = None
    metrics_token: Secret | None = None
    webhooks: bool = True
    rudderstack_private_hosts: frozenset[str] = frozenset()
    public_url: str | None = None
    loading_messages: bool = True
    expand_urls: bool = True
    data_actions_in_messages: bool = True
    allow_guest_users: bool = False
    allow_shared_workspaces: bool = False
    host: str = "0.0.0.0"  # noqa: S104 - a server in a container must listen on all addresses
    port: int = DEFAULT_PORT
    verify_looker_tls: bool = True
    unsafe_local_dev: bool = False
    looker_timeout: float = 60.0
    looker_concurrency: int = 100
    shutdown_timeout: float = 25.0
    request_timeout: float = 20.0
    delivery_wait: float = 25.0
    job_lease: float = 30.0
    """Seconds a replica's held work stays its own without a heartbeat (Redis only)."""
    data_dir: Path | None = None
    """Where accepted work is kept (``LOOKERBOT_DATA_DIR``); None keeps it in memory only."""
    redis_url: Secret | None = None
    plugins: tuple[str, ...] = ()
    proxies: Proxies = field(default_factory=Proxies)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    storage: StorageSettings = field(default_factory=StorageSettings)
    ask_llm: AskLlmSettings | None = None
    charts: ChartSettings = field(default_factory=ChartSettings)
    notes: tuple[str, ...] = ()
    """Warnings about the configuration that do not stop the bot (logged at start)."""

    @property
    def ask_configured(self) -> bool:
        """Whether any instance has Explores to answer questions from."""
        return any(looker.ask_explores for looker in self.lookers)

    @property
    def socket_mode(self) -> bool:
        """Whether Slack traffic arrives over Socket Mode rather than HTTP."""
        return self.slack_app_token is not None

    def secrets(self) -> list[str]:
        """Every secret value in these settings (for log redaction)."""
        found: list[Secret] = [
            s
            for s in (
                self.slack_bot_token,
                self.slack_signing_secret,
                self.slack_verification_token,
                self.slack_app_token,
                self.lookerbot_auth_token,
                self.metrics_token,
                self.redis_url,
                self.storage.aws_secret_access_key,
                self.storage.azure_access_key,
                self.storage.azure_connection_string,
                self.storage.gcs_credentials_json,
                self.ask_llm.api_key if self.ask_llm else None,
            )
            if s is not None
        ]
        for proxy in (self.proxies.https, self.proxies.http, self.proxies.all):
            password = urlsplit(proxy if "://" in proxy else f"http://{proxy}").password
            if password:
                found.append(Secret(password))
        for looker in self.lookers:
            found.append(looker.client_secret)
            if looker.webhook_token is not None:
                found.append(looker.webhook_token)
        return [s.reveal() for s in found if s.reveal()]


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: str | Path | None = ".env",
) -> Settings:
    """Read and validate the configuration.

    Args:
        environ: the variables to read; ``os.environ`` when omitted.
        env_file: a dotenv file whose values are used where ``environ`` has none; ``None``
            or a missing file means no file.

    Raises:
        SettingsError: listing every problem found.
    """
    env: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        env.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    env.update(os.environ if environ is None else environ)
    return _Parser(env).parse()


def known_variable(name: str) -> bool:
    """Whether ``name`` is a variable the bot reads."""
    return name in _VARIABLE_NAMES


class _Parser:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.run_as_default: Literal["email"] | None = None

    # -- primitives ---------------------------------------------------------------------

    def raw(self, name: str) -> str | None:
        value = self.env.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def text(self, name: str, *aliases: str) -> str | None:
        """The first non-empty value among ``name`` and its older aliases."""
        found = [(n, v) for n in (name, *aliases) if (v := self.raw(n)) is not None]
        if not found:
            return None
        first_name, first = found[0]
        for other_name, other in found[1:]:
            if other != first:
                self.problems.append(
                    f"{first_name} and {other_name} are both set, to different values; "
                    f"set only {name}."
                )
        return first

    def secret(self, name: str, *aliases: str) -> Secret | None:
        value = self.text(name, *aliases)
        return None if value is None else Secret(value)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.problems.append(f"{name}: expected true or false, got {value!r}.")
        return default

    def proxies(self) -> Proxies:
        """The proxy variables (see lookerbot.proxies), each proxy an http(s) URL."""
        proxies = Proxies.from_environ(self.env)
        for name, value in (
            ("HTTPS_PROXY", proxies.https),
            ("HTTP_PROXY", proxies.http),
            ("ALL_PROXY", proxies.all),
        ):
            if not value:
                continue
            parts = urlsplit(value if "://" in value else f"http://{value}")
            try:
                valid = parts.scheme in ("http", "https") and bool(parts.hostname)
                parts.port  # noqa: B018 - raises on a port that is not a number
            except ValueError:
                valid = False
            if not valid:
                # A proxy URL may carry a password: never echo it.
                self.problems.append(
                    f"{name}: expected an http:// or https:// proxy URL such as "
                    "http://proxy.example.com:3128 (SOCKS proxies are not supported)."
                )
        return proxies

    def number(self, name: str, default: float, *, low: float, high: float) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            self.problems.append(f"{name}: expected a number, got {value!r}.")
            return default
        if not low <= number <= high:
            self.problems.append(f"{name}: must be between {low:g} and {high:g}, got {value}.")
            return default
        return number

    def integer(self, name: str, default: int, *, low: int, high: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        if not re.fullmatch(r"\d+", value):
            self.problems.append(f"{name}: expected a whole number, got {value!r}.")
            return default
        number = int(value)
        if not low <= number <= high:
            self.problems.append(f"{name}: must be between {low} and {high}, got {value}.")
            return default
        return number

    def optional_integer(self, name: str, *, low: int, high: int) -> int | None:
        """A whole number within bounds, or ``None`` when the variable is not set."""
        if self.raw(name) is None:
            return None
        return self.integer(name, 0, low=low, high=high) or None

    def url(self, where: str, value: str) -> str | None:
        """Validate an http(s) URL and return it without a trailing slash."""
        # A URL with "@" may carry credentials: never echo it.
        shown = "" if "@" in value else f" (got {value!r})"
        try:
            parts = urlsplit(value)
            port = parts.port
        except ValueError:
            self.problems.append(f"{where}: not a valid URL{shown}.")
            return None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.problems.append(f"{where}: must be an http:// or https:// URL with a host{shown}.")
            return None
        if parts.username is not None or parts.password is not None:
            self.problems.append(f"{where}: must not contain a user name or password.")
            return None
        if parts.query or parts.fragment:
            self.problems.append(f"{where}: must not contain a query or fragment{shown}.")
            return None
        host = parts.hostname
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        netloc = host if port is None else f"{host}:{port}"
        return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"

    # -- sections -----------------------------------------------------------------------

    def slack(self) -> dict[str, Any]:
        bot_token = self.secret("SLACK_BOT_TOKEN", "SLACK_API_KEY")
        if bot_token is None:
            self.problems.append(
                "SLACK_BOT_TOKEN: required: the Bot User OAuth Token (xoxb-...) from your "
                "Slack app's OAuth & Permissions page (SLACK_API_KEY also works)."
            )
        elif not bot_token.reveal().startswith("xoxb-"):
            self.problems.append(
                "SLACK_BOT_TOKEN: must be a bot token, which starts with xoxb- (find it under "
                "OAuth & Permissions > Bot User OAuth Token)."
            )
        app_token = self.secret("SLACK_APP_TOKEN")
        if app_token is not None and not app_token.reveal().startswith("xapp-"):
            self.problems.append(
                "SLACK_APP_TOKEN: must be an app-level token, which starts with xapp- "
                "(Basic Information > App-Level Tokens, scope connections:write)."
            )
        signing_secret = self.secret("SLACK_SIGNING_SECRET")
        verification_token = self.secret("SLACK_SLASH_COMMAND_TOKEN")
        if app_token is None and signing_secret is None and verification_token is None:
            self.problems.append(
                "SLACK_SIGNING_SECRET: required to verify Slack's requests (Basic "
                "Information > App Credentials), unless SLACK_APP_TOKEN is set for "
                "Socket Mode."
            )
        api_url = DEFAULT_SLACK_API_URL
        raw_api_url = self.raw("SLACK_API_URL")
        if raw_api_url is not None:
            api_url = (self.url("SLACK_API_URL", raw_api_url) or "") + "/"
        return {
            "slack_bot_token": bot_token or Secret(""),
            "slack_app_token": app_token,
            "slack_signing_secret": signing_secret,
            "slack_verification_token": verification_token,
            "slack_api_url": api_url,
        }

    def run_as(self, where: str, value: str | None) -> Literal["email"] | None:
        if value is None or value.lower() in _FALSE:
            return None
        if value.lower() == "email":
            return "email"
        self.problems.append(f"{where}: expected email (or false), got {value!r}.")
        return None

    def lookers(self) -> tuple[LookerInstanceSettings, ...]:
        self.run_as_default = self.run_as(
            "LOOKERBOT_RUN_AS_USER", self.raw("LOOKERBOT_RUN_AS_USER")
        )
        raw = self.raw("LOOKERS")
        if raw is not None:
            ignored = [
                n
                for n in (
                    "LOOKER_URL",
                    "LOOKER_API_BASE_URL",
                    "LOOKER_API_CLIENT_ID",
                    "LOOKER_API_3_CLIENT_ID",
                    "LOOKER_API_CLIENT_SECRET",
                    "LOOKER_API_3_CLIENT_SECRET",
                    "LOOKER_CUSTOM_COMMAND_FOLDER_ID",
                    "LOOKER_CUSTOM_COMMAND_SPACE_ID",
                    "LOOKER_WEBHOOK_TOKEN",
                )
                if self.raw(n) is not None
            ]
            if ignored:
                self.notes.append(f"LOOKERS is set, so {', '.join(ignored)} are ignored.")
            return self.lookers_json(raw)
        return self.single_looker()

    def single_looker(self) -> tuple[LookerInstanceSettings, ...]:
        url_raw = self.raw("LOOKER_URL")
        client_id = self.text("LOOKER_API_CLIENT_ID", "LOOKER_API_3_CLIENT_ID")
        client_secret = self.secret("LOOKER_API_CLIENT_SECRET", "LOOKER_API_3_CLIENT_SECRET")
        if url_raw is None:
            self.problems.append(
                "LOOKER_URL: required: the web URL of your Looker instance, e.g. "
                "https://mycompany.looker.com (or set LOOKERS for several instances)."
            )
        if client_id is None:
            self.problems.append(
                "LOOKER_API_CLIENT_ID: required: the API client ID of the Looker user the bot "
                "runs as (Admin > Users > Edit Keys)."
            )
        if client_secret is None:
            self.problems.append(
                "LOOKER_API_CLIENT_SECRET: required: the API client secret for "
                "LOOKER_API_CLIENT_ID."
            )
        url = self.url("LOOKER_URL", url_raw) if url_raw else None
        api_raw = self.raw("LOOKER_API_BASE_URL")
        api_base = self.api_base("LOOKER_API_BASE_URL", api_raw) if api_raw else url
        folder = self.text("LOOKER_CUSTOM_COMMAND_FOLDER_ID", "LOOKER_CUSTOM_COMMAND_SPACE_ID")
        if url is None or api_base is None or client_id is None or client_secret is None:
            return ()
        return (
            LookerInstanceSettings(
                url=url,
                api_base_url=api_base,
                client_id=client_id,
                client_secret=client_secret,
                custom_command_folder_id=folder,
                webhook_token=self.secret("LOOKER_WEBHOOK_TOKEN"),
                run_as_user=self.run_as_default,
            ),
        )

    def api_base(self, where: str, value: str) -> str | None:
        url = self.url(where, value)
        if url is None:
            return None
        return _API_SUFFIX.sub("", url)

    def lookers_json(self, raw: str) -> tuple[LookerInstanceSettings, ...]:
        try:
            entries = json.loads(raw)
        except json.JSONDecodeError as exc:
            # The position helps; the value may hold secrets, so it is never echoed.
            self.problems.append(
                f"LOOKERS: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})."
            )
            return ()
        if not isinstance(entries, list) or not entries:
            self.problems.append(
                'LOOKERS: must be a non-empty JSON array of objects like {"url": ..., '
                '"apiBaseUrl": ..., "clientId": ..., "clientSecret": ...}.'
            )
            return ()
        result: list[LookerInstanceSettings] = []
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            where = f"LOOKERS[{index}]"
            if not isinstance(entry, dict):
                self.problems.append(f"{where}: must be a JSON object.")
                continue
            instance = self.looker_entry(where, entry)
            if instance is None:
                continue
            if instance.url in seen:
                self.problems.append(f"{where}.url: {instance.url} is listed twice.")
                continue
            seen.add(instance.url)
            result.append(instance)
        return tuple(result)

    def looker_entry(self, where: str, entry: dict[str, Any]) -> LookerInstanceSettings | None:
        values: dict[str, str] = {}
        problems_before = len(self.problems)
        for key, value in entry.items():
            canonical = _LOOKERS_KEYS.get(key)
            if canonical is None:
                known = ", ".join(sorted(set(_LOOKERS_KEYS.values())))
                self.problems.append(f"{where}: unknown key {key!r} (known keys: {known}).")
                continue
            if value is None:
                continue
            if canonical == "runAsUser" and isinstance(value, bool):
                value = "email" if value else "false"
            if canonical == "askExplores" and isinstance(value, list):
                if not all(isinstance(item, str) for item in value):
                    self.problems.append(f"{where}.{key}: must be a list of model/explore strings.")
                    continue
                value = ",".join(value)
            if isinstance(value, bool) or not isinstance(value, str | int):
                self.problems.append(f"{where}.{key}: must be a string.")
                continue
            text = str(value).strip()
            if text:
                values[canonical] = text
        for key in ("url", "clientId", "clientSecret"):
            if key not in values:
                self.problems.append(f"{where}.{key}: required.")
        url = self.url(f"{where}.url", values["url"]) if "url" in values else None
        api_raw = values.get("apiBaseUrl")
        api_base = self.api_base(f"{where}.apiBaseUrl", api_raw) if api_raw else url
        if len(self.problems) > problems_before or url is None or api_base is None:
            return None
        token = values.get("webhookToken")
        run_as = (
            self.run_as(f"{where}.runAsUser", values["runAsUser"])
            if "runAsUser" in values
            else self.run_as_default
        )
        explores = values.get("askExplores")
        return LookerInstanceSettings(
            url=url,
            api_base_url=api_base,
            client_id=values["clientId"],
            client_secret=Secret(values["clientSecret"]),
            custom_command_folder_id=values.get("customCommandFolderId"),
            webhook_token=None if token is None else Secret(token),
            run_as_user=run_as,
            ask_explores=()
            if explores is None
            else self.explores(f"{where}.askExplores", explores, echo=False),
        )

    def explores(self, where: str, value: str, *, echo: bool = True) -> tuple[str, ...]:
        """``model/explore`` names separated by commas, without duplicates."""
        found: list[str] = []
        invalid = False
        for item in (part.strip() for part in value.split(",")):
            if not item:
                continue
            if not _EXPLORE.fullmatch(item):
                invalid = True
                shown = f" (got {item!r})" if echo else ""
                self.problems.append(
                    f"{where}: each entry must be model/explore, e.g. thelook/orders{shown}."
                )
            elif item not in found:
                found.append(item)
        if not found and not invalid:
            self.problems.append(f"{where}: list at least one model/explore, e.g. thelook/orders.")
        return tuple(found)

    def llm_url(self, value: str) -> str | None:
        """The chat-completions URL from LOOKERBOT_ASK_LLM_URL (never echoed: it may hold a
        key in its query string)."""
        name = "LOOKERBOT_ASK_LLM_URL"
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError:
            self.problems.append(f"{name}: not a valid URL.")
            return None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.problems.append(f"{name}: must be an http:// or https:// URL with a host.")
            return None
        if parts.username is not None or parts.password is not None:
            self.problems.append(f"{name}: must not contain a user name or password.")
            return None
        path = parts.path.rstrip("/")
        if not path.endswith("/chat/completions"):
            path += "/chat/completions"
        return parts._replace(path=path, fragment="").geturl()

    def ask(
        self, lookers: tuple[LookerInstanceSettings, ...]
    ) -> tuple[tuple[LookerInstanceSettings, ...], AskLlmSettings | None]:
        """Ask's Explores applied to the instances, and the language model, if any."""
        raw = self.raw("LOOKERBOT_ASK_EXPLORES")
        if raw is not None:
            default = self.explores("LOOKERBOT_ASK_EXPLORES", raw)
            lookers = tuple(
                looker if looker.ask_explores else dataclasses.replace(looker, ask_explores=default)
                for looker in lookers
            )
        url_raw = self.raw("LOOKERBOT_ASK_LLM_URL")
        key = self.secret("LOOKERBOT_ASK_LLM_KEY")
        model = self.raw("LOOKERBOT_ASK_LLM_MODEL")
        timeout = self.number("LOOKERBOT_ASK_LLM_TIMEOUT", 20.0, low=1, high=300)
        if url_raw is None:
            if key is not None or model is not None:
                self.notes.append(
                    "LOOKERBOT_ASK_LLM_KEY or LOOKERBOT_ASK_LLM_MODEL is set without "
                    "LOOKERBOT_ASK_LLM_URL, so no language model is used."
                )
            return lookers, None
        url = self.llm_url(url_raw)
        if model is None:
            self.problems.append(
                "LOOKERBOT_ASK_LLM_MODEL: required when LOOKERBOT_ASK_LLM_URL is set (the name "
                "of a model that endpoint serves)."
            )
        if url is None or model is None:
            return lookers, None
        plain = url.startswith("http://") and not _is_loopback(urlsplit(url).hostname or "")
        if key is not None and plain:
            self.notes.append(
                "LOOKERBOT_ASK_LLM_URL is plain http, so LOOKERBOT_ASK_LLM_KEY travels "
                "unencrypted: prefer https."
            )
        if not any(looker.ask_explores for looker in lookers):
            self.notes.append(
                "LOOKERBOT_ASK_LLM_URL is set but no Explores are (LOOKERBOT_ASK_EXPLORES), so "
                "ask is off and the language model unused."
            )
        return lookers, AskLlmSettings(url=url, model=model, api_key=key, timeout=timeout)

    def server(self) -> dict[str, Any]:
        public_url = None
        raw_public = self.raw("LOOKERBOT_PUBLIC_URL")
        if raw_public is not None:
            public_url = self.url("LOOKERBOT_PUBLIC_URL", raw_public)
            if public_url is not None and public_url.startswith("http://"):
                host = urlsplit(public_url).hostname or ""
                if not _is_loopback(host):
                    self.problems.append(
                        "LOOKERBOT_PUBLIC_URL: must be an https:// URL (Slack and Looker only "
                        "call https endpoints)."
                    )
        log_level = (self.raw("LOOKERBOT_LOG_LEVEL") or "INFO").upper()
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            self.problems.append(
                f"LOOKERBOT_LOG_LEVEL: expected DEBUG, INFO, WARNING or ERROR, got {log_level!r}."
            )
            log_level = "INFO"
        if self.boolean("DEBUG_MODE", False):
            log_level = "DEBUG"
        log_format = (self.raw("LOOKERBOT_LOG_FORMAT") or "text").lower()
        if log_format not in ("text", "json"):
            self.problems.append(
                f"LOOKERBOT_LOG_FORMAT: expected text or json, got {log_format!r}."
            )
            log_format = "text"
        unsafe_local_dev = self.boolean("UNSAFE_LOCAL_DEV", False)
        tls_raw = self.raw("NODE_TLS_REJECT_UNAUTHORIZED")
        verify_tls = True
        if tls_raw == "0":
            verify_tls = False
        elif tls_raw not in (None, "1"):
            self.problems.append(f"NODE_TLS_REJECT_UNAUTHORIZED: expected 0 or 1, got {tls_raw!r}.")
        if unsafe_local_dev:
            verify_tls = False
        if not verify_tls:
            self.notes.append(
                "Looker's TLS certificates are not verified (NODE_TLS_REJECT_UNAUTHORIZED=0 or "
                "UNSAFE_LOCAL_DEV=true): use this only for self-signed on-premise instances."
            )
        return {
            "public_url": public_url,
            "host": self.raw("LOOKERBOT_HOST") or "0.0.0.0",  # noqa: S104
            "port": self.integer("PORT", DEFAULT_PORT, low=1, high=65535),
            "lookerbot_auth_token": self.secret("LOOKERBOT_AUTH_TOKEN"),
            "metrics_token": self.secret("LOOKERBOT_METRICS_TOKEN"),
            "looker_timeout": self.number("LOOKERBOT_LOOKER_TIMEOUT", 60.0, low=1, high=3600),
            "looker_concurrency": self.integer(
                "LOOKERBOT_LOOKER_CONCURRENCY", 100, low=1, high=1000
            ),
            "shutdown_timeout": self.number("LOOKERBOT_SHUTDOWN_TIMEOUT", 25.0, low=0, high=3600),
            "request_timeout": self.number("LOOKERBOT_REQUEST_TIMEOUT", 20.0, low=1, high=600),
            "delivery_wait": self.number("LOOKERBOT_DELIVERY_WAIT", 25.0, low=0, high=3600),
            "job_lease": self.number("LOOKERBOT_JOB_LEASE", 30.0, low=1, high=3600),
            "data_dir": Path(self.raw("LOOKERBOT_DATA_DIR") or DEFAULT_DATA_DIR),
            "redis_url": self.redis_url(),
            "plugins": self.plugins(),
            "rudderstack_private_hosts": frozenset(
                h.strip().lower().rstrip(".")
                for h in (self.raw("LOOKERBOT_RUDDERSTACK_PRIVATE_HOSTS") or "").split(",")
                if h.strip()
            ),
            "log_level": log_level,
            "log_format": log_format,
            "unsafe_local_dev": unsafe_local_dev,
            "verify_looker_tls": verify_tls,
        }

    def plugins(self) -> tuple[str, ...]:
        names = tuple(
            n.strip() for n in (self.raw("LOOKERBOT_PLUGINS") or "").split(",") if n.strip()
        )
        for name in names:
            if not all(part.isidentifier() for part in name.split(".")):
                self.problems.append(
                    f"LOOKERBOT_PLUGINS: {name!r} is not an importable module name "
                    "(like mycompany.lookerbot_plugin)."
                )
        return names

    def redis_url(self) -> Secret | None:
        value = self.raw("LOOKERBOT_REDIS_URL")
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            # The URL may hold a password: never echo it.
            self.problems.append(
                "LOOKERBOT_REDIS_URL: must look like redis://host:6379/0 (or rediss:// for TLS)."
            )
            return None
        return Secret(value)

    def behaviour(self) -> dict[str, Any]:
        return {
            "loading_messages": self.boolean("LOOKER_SLACKBOT_LOADING_MESSAGES", True),
            "expand_urls": self.boolean("LOOKER_SLACKBOT_EXPAND_URLS", True),
            "data_actions_in_messages": self.boolean("LOOKERBOT_DATA_ACTIONS_IN_MESSAGES", True),
            "allow_guest_users": self.boolean("ALLOW_SLACK_GUEST_USERS", False),
            "allow_shared_workspaces": self.boolean("ALLOW_SLACK_SHARED_WORKSPACES", False),
        }

    def storage(self) -> StorageSettings:
        configured = {
            "s3": "SLACKBOT_S3_BUCKET",
            "azure": "SLACKBOT_AZURE_CONTAINER",
            "gcs": "GOOGLE_CLOUD_BUCKET",
        }
        present = [store for store, name in configured.items() if self.raw(name) is not None]
        chosen_raw = self.raw("LOOKERBOT_IMAGE_STORE")
        store: ImageStoreName = "slack"
        if chosen_raw is not None:
            if chosen_raw.lower() not in IMAGE_STORES:
                self.problems.append(
                    f"LOOKERBOT_IMAGE_STORE: expected slack, s3, azure or gcs, got {chosen_raw!r}."
                )
            else:
                store = IMAGE_STORES[chosen_raw.lower()]
            for other in present:
                if other != store:
                    self.notes.append(
                        f"{configured[other]} is set, but LOOKERBOT_IMAGE_STORE={store}: "
                        f"charts do not go to {other}."
                    )
        elif present:
            store = IMAGE_STORES[present[0]]
            if len(present) > 1:
                names = " and ".join(configured[p] for p in present)
                self.notes.append(
                    f"{names} are set; charts go to {store} (the first of S3, Azure, Google "
                    "Cloud). Set LOOKERBOT_IMAGE_STORE to choose."
                )

        access_key_id = self.raw("AWS_ACCESS_KEY_ID")
        secret_access_key = self.secret("AWS_SECRET_ACCESS_KEY")
        if (access_key_id is None) != (secret_access_key is None):
            self.problems.append(
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both, or neither (to use the "
                "default AWS credential chain)."
            )
        endpoint_raw = self.raw("AWS_ENDPOINT_URL")
        endpoint = self.url("AWS_ENDPOINT_URL", endpoint_raw) if endpoint_raw else None
        emulator_raw = self.raw("STORAGE_EMULATOR_HOST")
        emulator = None
        if emulator_raw is not None:
            if "://" not in emulator_raw:  # Google's tools accept a bare host:port
                emulator_raw = f"http://{emulator_raw}"
            emulator = self.url("STORAGE_EMULATOR_HOST", emulator_raw)
        settings = StorageSettings(
            image_store=store,
            s3_bucket=self.raw("SLACKBOT_S3_BUCKET"),
            s3_region=self.raw("SLACKBOT_S3_BUCKET_REGION") or "us-east-1",
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_endpoint_url=endpoint,
            s3_presign_seconds=self.optional_integer(
                "LOOKERBOT_S3_PRESIGN_SECONDS", low=1, high=MAX_S3_PRESIGN_SECONDS
            ),
            azure_account=self.raw("AZURE_STORAGE_ACCOUNT"),
            azure_container=self.raw("SLACKBOT_AZURE_CONTAINER"),
            azure_access_key=self.secret("AZURE_STORAGE_ACCESS_KEY"),
            azure_connection_string=self.secret("AZURE_STORAGE_CONNECTION_STRING"),
            azure_sas_seconds=self.optional_integer(
                "LOOKERBOT_AZURE_SAS_SECONDS", low=1, high=MAX_AZURE_SAS_SECONDS
            ),
            gcs_bucket=self.raw("GOOGLE_CLOUD_BUCKET"),
            gcs_project=self.raw("GOOGLE_CLOUD_PROJECT"),
            gcs_credentials_json=self.secret("GOOGLE_CLOUD_CREDENTIALS_JSON"),
            storage_emulator_host=emulator,
        )
        if store != "slack" and store not in present:
            self.problems.append(
                f"{configured[store]}: required when LOOKERBOT_IMAGE_STORE={store}."
            )
        if store == "azure":
            self.azure_credentials(settings)
        if store == "gcs" and settings.gcs_credentials_json is not None:
            self.gcs_credentials(settings.gcs_credentials_json)
        if store != "slack" and not _module_available(_STORE_MODULES[store]):
            self.problems.append(
                f"LOOKERBOT_IMAGE_STORE: the {store} image store needs {_STORE_MODULES[store]}, "
                f"which is not installed: pip install 'lookerbot[{store}]'."
            )
        return settings

    def azure_credentials(self, settings: StorageSettings) -> None:
        has_key = settings.azure_access_key is not None
        if settings.azure_connection_string is not None:
            parts = _connection_string(settings.azure_connection_string.reveal())
            if parts is None:
                self.problems.append(
                    "AZURE_STORAGE_CONNECTION_STRING: not a connection string (expected "
                    "Name=value pairs separated by semicolons, as the Azure portal shows it)."
                )
                return
            has_key = has_key or "accountkey" in parts
            if "accountname" not in parts and "blobendpoint" not in parts:
                self.problems.append(
                    "AZURE_STORAGE_CONNECTION_STRING: names no account (AccountName=...) or "
                    "blob endpoint (BlobEndpoint=...)."
                )
        elif settings.azure_account is None or settings.azure_access_key is None:
            self.problems.append(
                "AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_ACCESS_KEY (or "
                "AZURE_STORAGE_CONNECTION_STRING): required for the azure image store."
            )
        if settings.azure_sas_seconds is not None and not has_key:
            self.problems.append(
                "LOOKERBOT_AZURE_SAS_SECONDS: SAS URLs are signed with the account key: set "
                "AZURE_STORAGE_ACCESS_KEY, or a connection string with AccountKey=."
            )

    def gcs_credentials(self, credentials: Secret) -> None:
        value = credentials.reveal()
        if value.lstrip().startswith("{"):
            try:
                info = json.loads(value)
            except json.JSONDecodeError as exc:
                # Never echo the value: it holds a private key.
                self.problems.append(
                    f"GOOGLE_CLOUD_CREDENTIALS_JSON: not valid JSON ({exc.msg} at line "
                    f"{exc.lineno} column {exc.colno})."
                )
                return
            if not isinstance(info, dict) or info.get("type") not in _GCS_CREDENTIAL_TYPES:
                self.problems.append(
                    "GOOGLE_CLOUD_CREDENTIALS_JSON: expected a service account key (the JSON "
                    'file Google Cloud gives, with "type": "service_account") or an authorized '
                    "user's credentials."
                )
        elif not Path(value).is_file():
            self.problems.append(
                "GOOGLE_CLOUD_CREDENTIALS_JSON: neither credentials JSON nor the path of a "
                "readable file."
            )

    def charts(self) -> ChartSettings:
        sizes: list[tuple[str, int, int]] = []
        raw = self.raw("LOOKERBOT_CHART_SIZES")
        for item in (raw or "").split(","):
            item = item.strip()
            if not item:
                continue
            match = re.fullmatch(r"([A-Za-z0-9_:.\-]+)\s*=\s*(\d+)\s*[xX×]\s*(\d+)", item)
            if match is None:
                self.problems.append(
                    f"LOOKERBOT_CHART_SIZES: {item!r} is not NAME=WIDTHxHEIGHT "
                    "(e.g. looker_pie=600x600)."
                )
                continue
            name, width, height = match.group(1), int(match.group(2)), int(match.group(3))
            if not all(MIN_CHART_SIDE <= n <= MAX_CHART_SIDE for n in (width, height)):
                self.problems.append(
                    f"LOOKERBOT_CHART_SIZES: {name}: width and height must be between "
                    f"{MIN_CHART_SIDE} and {MAX_CHART_SIDE} pixels, got {width}x{height}."
                )
                continue
            sizes.append((name.lower(), width, height))
        return ChartSettings(
            render_timeout=self.number(
                "LOOKERBOT_RENDER_TIMEOUT", DEFAULT_RENDER_TIMEOUT, low=1, high=3600
            ),
            sizes=tuple(sizes),
        )

    def trust(self, slack: dict[str, Any], lookers: tuple[LookerInstanceSettings, ...]) -> bool:
        """Checks on who can make the bot act as whom; returns ``LOOKERBOT_WEBHOOKS``."""
        run_as = [looker.url for looker in lookers if looker.run_as_user]
        signed = slack["slack_signing_secret"] is not None or slack["slack_app_token"] is not None
        if run_as and not signed:
            self.problems.append(
                "LOOKERBOT_RUN_AS_USER: needs SLACK_SIGNING_SECRET (or Socket Mode with "
                "SLACK_APP_TOKEN). The legacy SLACK_SLASH_COMMAND_TOKEN proves nothing about a "
                "request (no signature, no timestamp): anyone who has the token could name any "
                "Slack user in a request and have the bot act as them in Looker."
            )
        elif not signed and slack["slack_verification_token"] is not None:
            self.notes.append(
                "Slack requests are verified by the legacy SLACK_SLASH_COMMAND_TOKEN alone: "
                "anyone who has the token (Slack sends it with every request) can send the "
                "bot commands, clicks and events as any user, and replay them. Set "
                "SLACK_SIGNING_SECRET."
            )
        raw = self.raw("LOOKERBOT_WEBHOOKS")
        webhooks = self.boolean("LOOKERBOT_WEBHOOKS", not run_as)
        if webhooks and run_as and raw is not None:
            self.notes.append(
                "LOOKERBOT_WEBHOOKS is on with run-as: whoever captures a Looker webhook token "
                "(Looker sends it with every webhook, to any URL a schedule names) can post "
                "any Look or query the bot's API user can see, to any channel or person."
            )
        return webhooks

    def parse(self) -> Settings:
        slack = self.slack()
        lookers, ask_llm = self.ask(self.lookers())
        server = self.server()
        behaviour = self.behaviour()
        storage = self.storage()
        charts = self.charts()
        proxies = self.proxies()
        webhooks = self.trust(slack, lookers)
        if self.problems:
            raise SettingsError(self.problems)
        return Settings(
            **slack,
            lookers=lookers,
            **server,
            **behaviour,
            webhooks=webhooks,
            proxies=proxies,
            storage=storage,
            ask_llm=ask_llm,
            charts=charts,
            notes=tuple(self.notes),
        )


def _module_available(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a parent package is missing
        return False


def _connection_string(value: str) -> dict[str, str] | None:
    """An Azure Storage connection string's keys (lowercased) and values, or ``None``."""
    parts: dict[str, str] = {}
    for item in value.split(";"):
        if not item.strip():
            continue
        key, sep, rest = item.partition("=")
        if not sep or not key.strip():
            return None
        parts[key.strip().lower()] = rest.strip()
    return parts or None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def env_example() -> str:
    """Render the ``.env.example`` text from :data:`VARIABLES`."""
    lines = [
        "# Lookerbot configuration. Copy to .env and fill in; real environment variables win.",
        "# `lookerbot check` validates it and tries every connection.",
    ]
    group = ""
    for var in VARIABLES:
        if var.group != group:
            group = var.group
            lines += ["", f"# --- {group} ---"]
        lines.append(f"# {var.help}")
        prefix = "" if var.required else "# "
        lines.append(f"{prefix}{var.name}={var.example}")
    return "\n".join(lines) + "\n"
