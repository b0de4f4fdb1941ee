"""A cloud that says no: an HTTP server on 127.0.0.1 answering S3, Cloud Storage and Azure
Blob requests with the errors the real services send when a bucket's settings get in the
way (ACLs disabled, public access blocked, no permission) or the service is down.

The emulators (moto, Azurite, gcp-storage-emulator) are more permissive than the clouds,
so these cases are played here, with the error documents the services send, through the
real SDKs and the bots' stores.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

from lookerbot.sandbox.loopback import LoopbackServer

Mode = Literal[
    "acls-disabled",  # ACLs refused; objects readable only as the bucket policy says (no one)
    "public-acls-ignored",  # ACLs accepted, but public access is blocked anyway
    "no-public-access",  # Azure: the account forbids anonymous access
    "denied",  # every write refused
    "outage",  # every request answered 503
    "hang",  # requests never answered
]


def _s3_error(status: int, code: str, message: str) -> web.Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        "<RequestId>4442587FB7D0A2F9</RequestId><HostId>refusing-cloud</HostId></Error>"
    )
    return web.Response(status=status, text=body, content_type="application/xml")


def _gcs_error(status: int, reason: str, message: str) -> web.Response:
    error = {"message": message, "domain": "global", "reason": reason}
    return web.json_response(
        {"error": {"code": status, "message": message, "errors": [error]}}, status=status
    )


@dataclass
class Request:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class RefusingCloud:
    """The server; ``mode`` says how it refuses (it may be changed between requests)."""

    mode: Mode = "acls-disabled"
    requests: list[Request] = field(default_factory=list)
    objects: dict[str, bytes] = field(default_factory=dict)
    url: str = ""
    _server: LoopbackServer | None = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> RefusingCloud:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._server = LoopbackServer.of(app)
        self.url = await self._server.start()
        return self

    async def stop(self) -> None:
        self._stopping.set()  # ends hanging requests
        if self._server is not None:
            await self._server.stop()
            self._server = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            Request(request.method, request.path, dict(request.query), dict(request.headers))
        )
        if self.mode == "hang":
            await self._stopping.wait()
            return web.Response(status=503)
        if self.mode == "outage":
            return web.Response(status=503, text="Service Unavailable")
        body = await request.read()
        path = request.path
        if path.startswith("/upload/storage/v1/"):
            return self._gcs_upload(request, body)
        if "x-ms-version" in request.headers:
            return self._azure(request, body)
        if request.method == "PUT":
            return self._s3_put(request, body)
        if request.method == "GET":
            return self._anonymous_get(request)
        if request.method == "DELETE":
            self.objects.pop(path, None)
            return web.Response(status=204)
        return web.Response(status=405)

    # -- S3 ------------------------------------------------------------------------------------

    def _s3_put(self, request: web.Request, body: bytes) -> web.Response:
        if self.mode == "denied":
            return _s3_error(403, "AccessDenied", "Access Denied")
        if self.mode == "acls-disabled" and "x-amz-acl" in request.headers:
            return _s3_error(400, "AccessControlListNotSupported", "The bucket does not allow ACLs")
        self.objects[request.path] = body
        return web.Response(status=200, headers={"ETag": '"0123456789abcdef"'})

    def _anonymous_get(self, request: web.Request) -> web.Response:
        if request.path.startswith("/devstoreaccount1/") and self.mode == "no-public-access":
            return web.Response(
                status=409,
                text="Public access is not permitted on this storage account.",
                headers={"x-ms-error-code": "PublicAccessNotPermitted"},
            )
        return _s3_error(403, "AccessDenied", "Access Denied")

    # -- Google Cloud Storage ----------------------------------------------------------------

    def _gcs_upload(self, request: web.Request, body: bytes) -> web.Response:
        if self.mode == "denied":
            return _gcs_error(
                403,
                "forbidden",
                "lookerbot@example.iam.gserviceaccount.com does not have "
                "storage.objects.create access to the Google Cloud Storage object.",
            )
        if self.mode == "acls-disabled" and "predefinedAcl" in request.query:
            return _gcs_error(
                400,
                "invalid",
                "Cannot insert legacy ACL for an object when uniform bucket-level access is "
                "enabled. Read more at https://cloud.google.com/storage/docs/uniform-bucket-level-access",
            )
        bucket = request.path.split("/")[5]
        name = request.query.get("name", "object")
        self.objects[f"/{bucket}/{name}"] = body
        return web.json_response(
            {"kind": "storage#object", "bucket": bucket, "name": name, "generation": "1"}
        )

    # -- Azure Blob Storage ----------------------------------------------------------------

    def _azure(self, request: web.Request, body: bytes) -> web.Response:
        headers = {"x-ms-request-id": "refusing-cloud", "x-ms-version": "2025-01-05"}
        if request.method == "PUT":
            self.objects[request.path] = body
            return web.Response(
                status=201,
                headers={
                    **headers,
                    "ETag": '"0x8DC0123456789AB"',
                    "Last-Modified": "Mon, 30 Sep 2026 12:00:00 GMT",
                    "x-ms-request-server-encrypted": "true",
                },
            )
        if request.method == "DELETE":
            self.objects.pop(request.path, None)
            return web.Response(status=202, headers=headers)
        return web.Response(status=405, headers=headers)
