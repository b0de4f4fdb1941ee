"""Chart images in Azure Blob Storage, through azure-storage-blob's async client.

Images are shown from a container whose access level lets anyone read blobs (as in the
Node.js Lookerbot) or, with ``LOOKERBOT_AZURE_SAS_SECONDS``, through read-only SAS URLs
signed with the account key, for private containers and accounts that forbid anonymous
access.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core.exceptions import AzureError, HttpResponseError, ServiceRequestError
from azure.core.pipeline.transport import AioHttpTransport
from azure.storage.blob import BlobSasPermissions, ContentSettings, generate_blob_sas
from azure.storage.blob.aio import BlobServiceClient

from lookerbot.errors import ImageStoreError
from lookerbot.images.store import DEFAULT_STORE_TIMEOUT, UrlImageStore
from lookerbot.proxies import Proxies
from lookerbot.settings import Secret

logger = logging.getLogger(__name__)

_BAD_CREDENTIALS = frozenset({"AuthenticationFailed", "InvalidAuthenticationInfo"})
_NO_PERMISSION = frozenset(
    {
        "AuthorizationFailure",
        "AuthorizationPermissionMismatch",
        "AuthorizationResourceTypeMismatch",
        "InsufficientAccountPermissions",
        "KeyBasedAuthenticationNotPermitted",
    }
)


class AzureBlobImageStore(UrlImageStore):
    """Keeps chart images in an Azure Blob Storage container.

    Args:
        container: the container (``SLACKBOT_AZURE_CONTAINER``).
        account: the storage account (``AZURE_STORAGE_ACCOUNT``), with ``access_key``.
        access_key: the account's key (``AZURE_STORAGE_ACCESS_KEY``).
        connection_string: instead of account and key (``AZURE_STORAGE_CONNECTION_STRING``;
            its ``BlobEndpoint`` also points the store at an emulator such as Azurite).
        sas_seconds: post SAS URLs valid this long instead of public blob URLs.
        timeout: seconds one write may take.
    """

    name = "azure"

    def __init__(
        self,
        *,
        container: str,
        account: str | None = None,
        access_key: Secret | None = None,
        connection_string: Secret | None = None,
        sas_seconds: int | None = None,
        timeout: float = DEFAULT_STORE_TIMEOUT,
        proxies: Proxies | None = None,
    ) -> None:
        if connection_string is None and (account is None or access_key is None):
            raise ValueError("give a connection string, or an account and its access key")
        super().__init__(timeout=timeout, proxies=proxies)
        self.container = container
        self.sas_seconds = sas_seconds
        self._account = account
        self._access_key = access_key
        self._connection_string = connection_string
        self._service: BlobServiceClient | None = None

    def describe(self) -> str:
        account = self._service.account_name if self._service is not None else self._account
        return f"Azure container {self.container}" + (f" in account {account}" if account else "")

    @property
    def url_kind(self) -> str:
        if self.sas_seconds is not None:
            return f"SAS URL (valid {self.sas_seconds} s)"
        return "public URL"

    def _client(self) -> BlobServiceClient:
        # Built on first use, inside the running loop the async client belongs to.
        if self._service is None:
            if self._connection_string is not None:
                connection_string = self._connection_string.reveal()
                # The account URL is in the connection string: read it with a client that
                # makes no request, to decide the proxy for the real one.
                url = BlobServiceClient.from_connection_string(connection_string).url
                self._service = BlobServiceClient.from_connection_string(
                    connection_string, **self._options(url)
                )
            else:
                assert self._account is not None
                assert self._access_key is not None
                url = f"https://{self._account}.blob.core.windows.net"
                self._service = BlobServiceClient(
                    account_url=url,
                    credential={
                        "account_name": self._account,
                        "account_key": self._access_key.reveal(),
                    },
                    **self._options(url),
                )
        return self._service

    def _options(self, url: str) -> dict[str, Any]:
        """Timeouts, retries and the proxy (lookerbot.proxies decides; azure-core's own
        reading of the environment is off)."""
        proxy = self.proxies.for_url(url)
        return {
            "connection_timeout": 5,
            "read_timeout": self.timeout,
            "retry_total": 2,
            "transport": AioHttpTransport(use_env_settings=False),
            # azure-core picks the entry whose key the URL starts with: "http" fits both.
            **({"proxies": {"http": proxy}} if proxy else {}),
        }

    async def put(self, key: str, data: bytes, *, content_type: str) -> str:
        service = self._client()
        blob = service.get_blob_client(self.container, key)
        try:
            await blob.upload_blob(
                data, overwrite=False, content_settings=ContentSettings(content_type=content_type)
            )
        except AzureError as exc:
            raise ImageStoreError(self._explain(exc)) from exc
        if self.sas_seconds is None:
            return str(blob.url)
        account_key = self._account_key(service)
        if account_key is None:  # settings require a key for SAS URLs
            raise ImageStoreError(f"{self.describe()}: SAS URLs need the account key.")
        sas = generate_blob_sas(
            account_name=str(service.account_name),
            container_name=self.container,
            blob_name=key,
            account_key=account_key,
            permission=BlobSasPermissions(read=True),
            expiry=datetime.now(UTC) + timedelta(seconds=self.sas_seconds),
        )
        return f"{blob.url}?{sas}"

    async def delete(self, key: str) -> None:
        try:
            await self._client().get_blob_client(self.container, key).delete_blob()
        except AzureError as exc:
            raise ImageStoreError(self._explain(exc, writing=False)) from exc

    async def explain_unreadable(self, status: int | None, headers: Mapping[str, str]) -> str:
        got = f"HTTP {status}" if status is not None else "no answer"
        code = {k.lower(): v for k, v in headers.items()}.get("x-ms-error-code", "")
        if self.sas_seconds is not None:
            detail = f"{got}, {code}" if code else got
            return f"{self.describe()}: a SAS URL could not be downloaded ({detail})."
        if code == "PublicAccessNotPermitted":
            return (
                f"{self.describe()}: the storage account does not allow anonymous access "
                "('Allow Blob anonymous access' is off), so blobs cannot be public: set "
                "LOOKERBOT_AZURE_SAS_SECONDS to post SAS URLs."
            )
        try:
            properties = (
                await self._client().get_container_client(self.container).get_container_properties()
            )
            level = properties.public_access
        except AzureError:
            level = "unknown"
        if level is None:
            return (
                f"{self.describe()} is private, so Slack cannot open the images' URLs ({got}):"
                " set its access level to Blob (anonymous read access for blobs only), or "
                "set LOOKERBOT_AZURE_SAS_SECONDS to post SAS URLs."
            )
        return f"{self.describe()}: an image could not be downloaded from its public URL ({got})."

    async def aclose(self) -> None:
        if self._service is not None:
            await self._service.close()
            self._service = None

    def _account_key(self, service: BlobServiceClient) -> str | None:
        if self._access_key is not None:
            return self._access_key.reveal()
        key = getattr(service.credential, "account_key", None)
        return str(key) if key else None

    def _explain(self, exc: AzureError, *, writing: bool = True) -> str:
        where = self.describe()
        if isinstance(exc, HttpResponseError):
            # Storage errors carry Azure's error code (a str enum, or a plain string).
            raw = getattr(exc, "error_code", None)
            code = str(getattr(raw, "value", raw) or "")
            if code == "ContainerNotFound":
                return f"{where}: the container does not exist (check SLACKBOT_AZURE_CONTAINER)."
            if code in _BAD_CREDENTIALS:
                return (
                    f"{where}: Azure refused the credentials ({code}): check "
                    "AZURE_STORAGE_ACCESS_KEY or AZURE_STORAGE_CONNECTION_STRING."
                )
            if code in _NO_PERMISSION or exc.status_code == 403:
                action = "write blobs to" if writing else "delete blobs in"
                return f"{where}: no permission to {action} the container ({code or 'HTTP 403'})."
            return f"{where}: Azure answered {code or 'an error'} (HTTP {exc.status_code})."
        if isinstance(exc, ServiceRequestError):
            return f"{where}: could not reach Azure Storage ({type(exc).__name__})."
        return f"{where}: {type(exc).__name__}."
