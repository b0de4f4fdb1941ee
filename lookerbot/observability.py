"""Metrics (Prometheus) and correlation ids for logs.

One :class:`Metrics` per application (its own registry, so several apps in one process, as in
the tests, do not mix their counts). A correlation id is set for each incoming request and
inherited by the work it starts, so every log line of one request, command or delivery can
be found together.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="-")

#: The literal words of the Looker API paths the bot calls (lookerbot/looker/sdk_client.py).
#: In a metric label every other path segment (an id, a share slug, a LookML dashboard id,
#: an email) becomes ``{id}``: labels name templates, never data or values a person chose.
_PATH_WORDS = frozenset(
    {
        "children",
        "credential",
        "dashboards",
        "data_actions",
        "email",
        "explores",
        "fields",
        "folders",
        "form",
        "json_detail",
        "login",
        "logout",
        "lookml_models",
        "looks",
        "models",
        "png",
        "queries",
        "render_tasks",
        "results",
        "run",
        "search",
        "slug",
        "suggestions",
        "user",
        "users",
        "views",
    }
)


def new_correlation_id() -> str:
    """A short random id for one request and everything it leads to."""
    return secrets.token_hex(6)


class CorrelationFilter(logging.Filter):
    """Adds ``correlation_id`` to every log record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "correlation_id"):
            record.correlation_id = correlation_id.get()
        return True


def path_template(path: str) -> str:
    """``path`` (without its query) with every segment that is not one of the API's own
    words replaced by ``{id}``, so that metric labels stay few and carry no data."""
    segments = path.split("?", 1)[0].split("/")
    return "/".join(s if not s or s in _PATH_WORDS else "{id}" for s in segments)


class Metrics:
    """The bot's Prometheus metrics."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "lookerbot_http_requests_total",
            "HTTP requests by route and status",
            ["route", "status"],
            registry=r,
        )
        self.request_seconds = Histogram(
            "lookerbot_http_request_seconds",
            "Time to answer an HTTP request",
            ["route"],
            registry=r,
        )
        self.commands = Counter(
            "lookerbot_commands_total",
            "Commands by name and outcome",
            ["command", "outcome"],
            registry=r,
        )
        self.deliveries = Counter(
            "lookerbot_deliveries_total",
            "Deliveries from Looker by kind and outcome",
            ["kind", "outcome"],
            registry=r,
        )
        self.looker_seconds = Histogram(
            "lookerbot_looker_call_seconds",
            "Looker API call latency",
            ["instance", "method", "path", "outcome"],
            registry=r,
        )
        self.slack_seconds = Histogram(
            "lookerbot_slack_call_seconds",
            "Slack API call latency",
            ["method", "outcome"],
            registry=r,
        )
        self.queued_jobs = Gauge(
            "lookerbot_queued_jobs",
            "Accepted work not yet posted, by kind (read when metrics are served)",
            ["kind"],
            registry=r,
        )
        self.oldest_job_seconds = Gauge(
            "lookerbot_oldest_queued_job_seconds",
            "Age of the oldest accepted work not yet posted (0 when none)",
            registry=r,
        )
        self.redeliveries = Counter(
            "lookerbot_redeliveries_total",
            "Accepted deliveries started again after a restart",
            registry=r,
        )
        self.retries = Counter(
            "lookerbot_retries_total",
            "Calls tried again, by service and reason",
            ["service", "reason"],
            registry=r,
        )

    @contextmanager
    def looker_call(self, instance: str, method: str, path: str) -> Iterator[list[str]]:
        """Time a Looker call; set ``outcome[0]`` to describe how it ended."""
        outcome = ["ok"]
        started = time.perf_counter()
        try:
            yield outcome
        except Exception:
            outcome[0] = "error"
            raise
        finally:
            self.looker_seconds.labels(instance, method, path_template(path), outcome[0]).observe(
                time.perf_counter() - started
            )

    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
