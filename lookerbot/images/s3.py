"""Chart images in Amazon S3, or any S3-compatible store (MinIO, Cloudflare R2, moto).

boto3 is blocking, so its calls run on the store's own threads. Images are public objects
(``public-read``, as in the Node.js Lookerbot) or, with ``LOOKERBOT_S3_PRESIGN_SECONDS``,
private objects shown through presigned URLs. A bucket with ACLs disabled (Object
Ownership "bucket owner enforced", the default for new buckets) refuses ``public-read``:
the store then writes without an ACL and the bucket policy decides who may read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
)

from lookerbot.errors import ImageStoreError
from lookerbot.images.store import DEFAULT_STORE_TIMEOUT, SdkThreads, UrlImageStore
from lookerbot.proxies import Proxies
from lookerbot.settings import Secret

logger = logging.getLogger(__name__)

_BAD_CREDENTIALS = frozenset(
    {
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "InvalidToken",
        "TokenRefreshRequired",
    }
)
_WRONG_REGION = frozenset(
    {"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"}
)


class S3ImageStore(UrlImageStore):
    """Keeps chart images in an S3 bucket.

    Args:
        bucket: the bucket (``SLACKBOT_S3_BUCKET``).
        region: its region (``SLACKBOT_S3_BUCKET_REGION``).
        access_key_id: an access key; ``None`` uses boto3's default credential chain.
        secret_access_key: its secret.
        endpoint_url: an S3-compatible endpoint instead of AWS's (``AWS_ENDPOINT_URL``).
        presign_seconds: post presigned URLs valid this long instead of public objects.
        timeout: seconds one write may take.
    """

    name = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: Secret | None = None,
        endpoint_url: str | None = None,
        presign_seconds: int | None = None,
        timeout: float = DEFAULT_STORE_TIMEOUT,
        proxies: Proxies | None = None,
    ) -> None:
        super().__init__(timeout=timeout, proxies=proxies)
        self.bucket = bucket
        self.region = region
        self.endpoint_url = endpoint_url
        self.presign_seconds = presign_seconds
        self._access_key_id = access_key_id
        self._secret_access_key = secret_access_key
        self._threads = SdkThreads("lookerbot-s3")
        self._lock = threading.Lock()
        self._client: Any = None
        self._url_client: Any = None
        self.use_acl = presign_seconds is None
        """Whether objects get the ``public-read`` ACL (false once the bucket refused ACLs)."""
        self.acls_disabled = False
        """The bucket refused an ACL (Object Ownership: bucket owner enforced)."""

    def describe(self) -> str:
        where = f"at {self.endpoint_url}" if self.endpoint_url else f"in {self.region}"
        return f"S3 bucket {self.bucket} {where}"

    @property
    def url_kind(self) -> str:
        if self.presign_seconds is not None:
            return f"presigned URL (valid {self.presign_seconds} s)"
        return "public URL"

    async def put(self, key: str, data: bytes, *, content_type: str) -> str:
        try:
            return await self._threads.run(self._put, key, data, content_type)
        except (BotoCoreError, ClientError) as exc:
            raise ImageStoreError(self._explain(exc)) from exc

    async def delete(self, key: str) -> None:
        try:
            await self._threads.run(self._delete, key)
        except (BotoCoreError, ClientError) as exc:
            raise ImageStoreError(self._explain(exc, writing=False)) from exc

    async def explain_unreadable(self, status: int | None, headers: Mapping[str, str]) -> str:
        got = f"HTTP {status}" if status is not None else "no answer"
        if self.presign_seconds is not None:
            return (
                f"{self.describe()}: a presigned URL could not be downloaded ({got}). The "
                "credentials may lack s3:GetObject, or the URL is not reachable from the "
                "internet."
            )
        if self.acls_disabled:
            return (
                f"{self.describe()} has ACLs disabled (Object Ownership: bucket owner "
                f"enforced) and its bucket policy does not let everyone read the images ({got}):"
                f" allow s3:GetObject on {self.bucket}/lookerbot/* to everyone, or set "
                "LOOKERBOT_S3_PRESIGN_SECONDS to post presigned URLs."
            )
        return (
            f"{self.describe()}: an image written with a public-read ACL could not be "
            f"downloaded without credentials ({got}). The bucket's Block Public Access "
            "settings probably ignore public ACLs: allow them for this bucket, or set "
            "LOOKERBOT_S3_PRESIGN_SECONDS to post presigned URLs."
        )

    async def aclose(self) -> None:
        self._threads.close()
        for client in (self._client, self._url_client):
            if client is not None:
                client.close()

    # -- on the store's threads ------------------------------------------------------------

    def _clients(self) -> tuple[Any, Any]:
        with self._lock:
            if self._client is None:
                session = boto3.session.Session(
                    aws_access_key_id=self._access_key_id,
                    aws_secret_access_key=(
                        self._secret_access_key.reveal() if self._secret_access_key else None
                    ),
                    region_name=self.region,
                )
                # Virtual-hosted URLs on AWS (regional hosts); path-style for other
                # endpoints and for bucket names with dots (which break TLS host names).
                style = "path" if self.endpoint_url or "." in self.bucket else "virtual"
                # The proxy is decided by lookerbot.proxies ({} turns botocore's own
                # reading of the environment off).
                endpoint = self.endpoint_url or f"https://s3.{self.region}.amazonaws.com"
                config = Config(
                    proxies=self.proxies.for_requests(endpoint),
                    signature_version="s3v4",
                    s3={"addressing_style": style},
                    connect_timeout=5,
                    read_timeout=self.timeout,
                    retries={"max_attempts": 3, "mode": "standard"},
                )
                self._client = session.client("s3", endpoint_url=self.endpoint_url, config=config)
                # Signs nothing: builds the plain URL of a public object, the way boto3
                # addresses the bucket.
                self._url_client = session.client(
                    "s3",
                    endpoint_url=self.endpoint_url,
                    config=config.merge(Config(signature_version=UNSIGNED)),
                )
            return self._client, self._url_client

    def _put(self, key: str, data: bytes, content_type: str) -> str:
        client, url_client = self._clients()
        args = {"Bucket": self.bucket, "Key": key, "Body": data, "ContentType": content_type}
        if self.use_acl:
            try:
                client.put_object(**args, ACL="public-read")
            except ClientError as exc:
                if _code(exc) != "AccessControlListNotSupported":
                    raise
                logger.info(
                    "%s has ACLs disabled: writing charts without an ACL; its bucket policy "
                    "decides who can read them",
                    self.describe(),
                )
                self.use_acl, self.acls_disabled = False, True
                client.put_object(**args)
        else:
            client.put_object(**args)
        params = {"Bucket": self.bucket, "Key": key}
        if self.presign_seconds is not None:
            return str(
                client.generate_presigned_url(
                    "get_object", Params=params, ExpiresIn=self.presign_seconds
                )
            )
        return str(url_client.generate_presigned_url("get_object", Params=params))

    def _delete(self, key: str) -> None:
        client, _ = self._clients()
        client.delete_object(Bucket=self.bucket, Key=key)

    # -- errors ----------------------------------------------------------------------------

    def _explain(self, exc: Exception, *, writing: bool = True) -> str:
        where = self.describe()
        if isinstance(exc, ClientError):
            code = _code(exc)
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "NoSuchBucket":
                return f"{where}: the bucket does not exist (check SLACKBOT_S3_BUCKET)."
            if code in _BAD_CREDENTIALS:
                return (
                    f"{where}: AWS refused the credentials ({code}): check "
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
                )
            if code in _WRONG_REGION:
                actual = exc.response.get("Error", {}).get("Region")
                hint = f" (it is in {actual})" if actual else ""
                return (
                    f"{where}: the bucket is in another region{hint}: set "
                    "SLACKBOT_S3_BUCKET_REGION to its region."
                )
            if code in ("AccessDenied", "AllAccessDisabled") or status == 403:
                if not writing:
                    return f"{where}: access denied ({code}): the credentials lack s3:DeleteObject."
                if self.use_acl:
                    return (
                        f"{where}: access denied writing a public-read object ({code}). The "
                        "credentials need s3:PutObject and s3:PutObjectAcl, and the bucket's "
                        "Block Public Access settings must allow public ACLs; or set "
                        "LOOKERBOT_S3_PRESIGN_SECONDS to post presigned URLs."
                    )
                return (
                    f"{where}: access denied writing an object ({code}): the credentials "
                    "need s3:PutObject on the bucket."
                )
            return f"{where}: S3 answered {code or 'an error'} (HTTP {status})."
        if isinstance(exc, NoCredentialsError | PartialCredentialsError):
            return (
                f"{where}: no AWS credentials found: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or give the bot a role or profile."
            )
        if isinstance(exc, ConnectionError | HTTPClientError):
            return f"{where}: could not reach S3 ({type(exc).__name__})."
        return f"{where}: {type(exc).__name__}."


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
