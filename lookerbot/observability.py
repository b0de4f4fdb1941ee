"""Metrics (Prometheus) and correlation ids for logs.

One :class:`Metrics` per application (its own registry, so several apps in one process, as in
the tests, do not mix their counts). A correlation id is set for each incoming request and
inherited by the work it starts, so every log line of one request, command or delivery can
be found together.
"""

from __future__ import annotations

import contextvars
import logging
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="-")

_IDS = re.compile(r"/(?:\d+|[0-9a-f]{8,}|[A-Za-z0-9]{16,})(?=/|$)")


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
    """A path with ids replaced by ``{id}``, to keep metric labels few."""
    return _IDS.sub("/{id}", path)


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
