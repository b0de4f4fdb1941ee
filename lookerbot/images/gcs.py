"""Chart images in Google Cloud Storage; google-cloud-storage on the store's own threads.

Images are public objects (the ``publicRead`` ACL, as in the Node.js Lookerbot). A bucket
with uniform bucket-level access has object ACLs disabled: the store then writes without
an ACL, and the bucket's IAM policy decides who may read.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import google.auth
import google.auth.transport.requests
from google.api_core import exceptions as api_exceptions
from google.auth.credentials import AnonymousCredentials, with_scopes_if_required
from google.auth.exceptions import DefaultCredentialsError, GoogleAuthError, RefreshError
from google.cloud import storage
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from requests import RequestException

from lookerbot.errors import ImageStoreError
from lookerbot.images.store import DEFAULT_STORE_TIMEOUT, SdkThreads, UrlImageStore
from lookerbot.proxies import Proxies
from lookerbot.settings import Secret

logger = logging.getLogger(__name__)

SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"
CREDENTIAL_TYPES = ("service_account", "authorized_user")
_UNIFORM_ACCESS = "uniform bucket-level access"


class GcsImageStore(UrlImageStore):
    """Keeps chart images in a Google Cloud Storage bucket.

    Args:
        bucket: the bucket (``GOOGLE_CLOUD_BUCKET``).
        project: its project (``GOOGLE_CLOUD_PROJECT``); else the credentials' project.
        credentials_json: a credentials JSON document, or the path of one
            (``GOOGLE_CLOUD_CREDENTIALS_JSON``); ``None`` uses the default credentials.
        emulator_host: a Cloud Storage emulator's URL (``STORAGE_EMULATOR_HOST``); without
            credentials, the store then calls it anonymously.
        timeout: seconds one write may take.
    """

    name = "gcs"

    def __init__(
        self,
        *,
        bucket: str,
        project: str | None = None,
        credentials_json: Secret | None = None,
        emulator_host: str | None = None,
        timeout: float = DEFAULT_STORE_TIMEOUT,
        proxies: Proxies | None = None,
    ) -> None:
        super().__init__(timeout=timeout, proxies=proxies)
        self.bucket = bucket
        self.project = project
        self.emulator_host = emulator_host
        self._credentials_json = credentials_json
        self._threads = SdkThreads("lookerbot-gcs")
        self._lock = threading.Lock()
        self._client: storage.Client | None = None
        self.use_acl = True
        """Whether objects get the ``publicRead`` ACL (false once the bucket refused ACLs)."""
        self.uniform_access = False
        """The bucket refused an object ACL (uniform bucket-level access)."""

    def describe(self) -> str:
        where = f" at {self.emulator_host}" if self.emulator_host else ""
        return f"Google Cloud Storage bucket {self.bucket}{where}"

    @property
    def url_kind(self) -> str:
        return "public URL"

    async def put(self, key: str, data: bytes, *, content_type: str) -> str:
        try:
            return await self._threads.run(self._put, key, data, content_type)
        except (api_exceptions.GoogleAPIError, GoogleAuthError, RequestException) as exc:
            raise ImageStoreError(self._explain(exc)) from exc

    async def delete(self, key: str) -> None:
        try:
            await self._threads.run(self._delete, key)
        except (api_exceptions.GoogleAPIError, GoogleAuthError, RequestException) as exc:
            raise ImageStoreError(self._explain(exc, writing=False)) from exc

    async def explain_unreadable(self, status: int | None, headers: Mapping[str, str]) -> str:
        got = f"HTTP {status}" if status is not None else "no answer"
        if self.uniform_access:
            return (
                f"{self.describe()} uses uniform bucket-level access (object ACLs are "
                f"disabled) and is not public ({got}): grant allUsers the Storage Object "
                "Viewer role on the bucket, or use LOOKERBOT_IMAGE_STORE=slack."
            )
        return (
            f"{self.describe()}: an image written with a publicRead ACL could not be "
            f"downloaded without credentials ({got}). Public access prevention may be "
            "enforced on the bucket or by an organization policy; or use "
            "LOOKERBOT_IMAGE_STORE=slack."
        )

    async def aclose(self) -> None:
        self._threads.close()
        if self._client is not None:
            self._client.close()

    # -- on the store's threads ------------------------------------------------------------

    def _storage(self) -> storage.Client:
        with self._lock:
            if self._client is None:
                credentials: Any = None
                project = self.project
                if self._credentials_json is not None:
                    credentials = _credentials(self._credentials_json.reveal())
                    project = project or getattr(credentials, "project_id", None)
                elif self.emulator_host is not None:
                    credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
                else:
                    credentials, _ = google.auth.default(scopes=storage.Client.SCOPE)
                options = {"api_endpoint": self.emulator_host} if self.emulator_host else None
                scoped = with_scopes_if_required(credentials, storage.Client.SCOPE)  # type: ignore[no-untyped-call]
                # Both the storage calls and the token refreshes go through the proxy that
                # lookerbot.proxies chooses for their URL.
                http = _ProxiedAuthorizedSession(  # type: ignore[no-untyped-call]
                    scoped,
                    auth_request=google.auth.transport.requests.Request(
                        self.proxies.requests_session()
                    ),
                )
                http.rule = self.proxies
                http.trust_env = False
                http.verify = self.proxies.verify
                self._client = storage.Client(
                    project=project, credentials=scoped, client_options=options, _http=http
                )
            return self._client

    def _put(self, key: str, data: bytes, content_type: str) -> str:
        blob = self._storage().bucket(self.bucket).blob(key)

        def upload(acl: str | None) -> None:
            blob.upload_from_string(
                data,
                content_type=content_type,
                predefined_acl=acl,
                if_generation_match=0,  # never overwrite
                timeout=self.timeout,
            )

        if self.use_acl:
            try:
                upload("publicRead")
            except api_exceptions.BadRequest as exc:
                if _UNIFORM_ACCESS not in str(exc.message).lower():
                    raise
                logger.info(
                    "%s uses uniform bucket-level access: writing charts without an ACL; the "
                    "bucket's IAM policy decides who can read them",
                    self.describe(),
                )
                self.use_acl, self.uniform_access = False, True
                upload(None)
        else:
            upload(None)
        return str(blob.public_url)

    def _delete(self, key: str) -> None:
        self._storage().bucket(self.bucket).blob(key).delete(timeout=self.timeout)

    # -- errors ----------------------------------------------------------------------------

    def _explain(self, exc: Exception, *, writing: bool = True) -> str:
        where = self.describe()
        if isinstance(exc, api_exceptions.NotFound):
            return f"{where}: the bucket does not exist (check GOOGLE_CLOUD_BUCKET)."
        if isinstance(exc, api_exceptions.Unauthorized | RefreshError):
            return (
                f"{where}: Google refused the credentials ({type(exc).__name__}): check "
                "GOOGLE_CLOUD_CREDENTIALS_JSON."
            )
        if isinstance(exc, api_exceptions.Forbidden):
            if not writing:
                return f"{where}: no permission to delete objects (storage.objects.delete)."
            need = (
                "storage.objects.create and storage.objects.setIamPolicy (Storage Object Admin)"
                if self.use_acl
                else "storage.objects.create"
            )
            return f"{where}: no permission to write objects: the account needs {need}."
        if isinstance(exc, DefaultCredentialsError):
            if self._credentials_json is not None:
                return (
                    f"{where}: GOOGLE_CLOUD_CREDENTIALS_JSON holds no usable credentials: "
                    f"expected a {' or '.join(CREDENTIAL_TYPES)} JSON document."
                )
            return (
                f"{where}: no Google credentials found: set GOOGLE_CLOUD_CREDENTIALS_JSON, or "
                "run where application default credentials are available."
            )
        if isinstance(exc, api_exceptions.GoogleAPICallError):
            return f"{where}: Google answered {type(exc).__name__} (HTTP {exc.code})."
        if isinstance(exc, RequestException):
            return f"{where}: could not reach Google Cloud Storage ({type(exc).__name__})."
        return f"{where}: {type(exc).__name__}."


def _credentials(value: str) -> Any:
    """Credentials from a credentials JSON document, or from the file it names (the Node.js
    Lookerbot read the variable as a file name). Only the two types an admin downloads are
    accepted: a service account key and an authorized user."""
    try:
        text = value if value.lstrip().startswith("{") else Path(value).read_text()
        info = json.loads(text)
        kind = info.get("type") if isinstance(info, dict) else None
        if kind == "service_account":
            return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                info, scopes=[SCOPE]
            )
        if kind == "authorized_user":
            return user_credentials.Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
                info, scopes=[SCOPE]
            )
    except (OSError, ValueError) as exc:  # unreadable file, bad JSON, missing fields
        raise DefaultCredentialsError(type(exc).__name__) from None  # type: ignore[no-untyped-call]
    raise DefaultCredentialsError(f"credentials of type {kind!r}")  # type: ignore[no-untyped-call]


class _ProxiedAuthorizedSession(google.auth.transport.requests.AuthorizedSession):
    """google-auth's session, with the bot's proxy rule (see ProxiedSession)."""

    rule: Proxies = Proxies()

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> Any:
        kwargs["proxies"] = self.rule.for_requests(url)
        return super().request(method, url, *args, **kwargs)  # type: ignore[no-untyped-call]
