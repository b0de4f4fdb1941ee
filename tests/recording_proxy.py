"""A proxy.py plugin for the proxy tests: it appends one JSON line per request the proxy
forwards to the file named by ``LOOKERBOT_TEST_PROXY_LOG``: each CONNECT (a tunnel, as for
https), and each plain-HTTP request, including the later ones on a kept-alive connection."""

from __future__ import annotations

import json
import os

from proxy.http.parser import HttpParser
from proxy.http.proxy import HttpProxyBasePlugin


def _record(request: HttpParser) -> None:
    record = {
        "method": (request.method or b"").decode(),
        "host": (request.host or b"").decode(),
        "port": request.port,
        "path": (request.path or b"").decode(),
    }
    with open(os.environ["LOOKERBOT_TEST_PROXY_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")


class RecordingPlugin(HttpProxyBasePlugin):  # type: ignore[misc]
    def before_upstream_connection(self, request: HttpParser) -> HttpParser:
        if request.method == b"CONNECT":
            _record(request)
        return request

    def handle_client_request(self, request: HttpParser) -> HttpParser:
        if request.method != b"CONNECT":
            _record(request)
        return request
