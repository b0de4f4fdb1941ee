"""The ImageStore seam: where chart images go so that Slack can show them.

Two kinds of store:

- ``slack`` (:class:`~lookerbot.images.slack_files.SlackFilesImageStore`, the default): the
  image travels with the reply and is uploaded to Slack (file upload v2) where the answer
  is posted. It needs no storage account and works in DMs and private channels.
- URL stores (:class:`UrlImageStore`: S3, Azure Blob Storage, Google Cloud Storage): the
  image is written to a bucket and the message shows it from its URL with a Block Kit image
  block, which Slack downloads when the message is posted.

:func:`~lookerbot.images.factory.build_image_store` picks the one the settings name; each
backend's SDK is imported
only when that backend is used.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Protocol, TypeVar

import aiohttp

from lookerbot.errors import ImageStoreError
from lookerbot.proxies import Proxies

logger = logging.getLogger(__name__)

T = TypeVar("T")

KEY_PREFIX = "lookerbot/"
"""Every object the bot writes is under this prefix (for lifecycle rules that expire them)."""
KEY_RANDOM_BYTES = 16
"""128 random bits per key: a chart's URL cannot be guessed from another one."""
MAX_IMAGE_URL = 3000
"""Slack refuses an image block whose ``image_url`` is longer."""
DEFAULT_STORE_TIMEOUT = 30.0

# A 1x1 PNG (one purple pixel): what `lookerbot check` writes, reads back and deletes.
CHECK_IMAGE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000"
    "907753de0000000c49444154789c634809ec0200025c0140d28275370000000049454e44ae426082"
)


def new_key(extension: str = "png") -> str:
    """A fresh object key: random, and saying nothing about who asked or what it shows."""
    return f"{KEY_PREFIX}{secrets.token_hex(KEY_RANDOM_BYTES)}.{extension}"


class ImageStore(Protocol):
    """Makes chart images visible in Slack.

    Implementations must:

    - set ``name`` (``slack``, ``s3``, ``azure``, ``gcs``) and ``hosts_images`` (whether
      :meth:`publish` returns URLs);
    - in :meth:`publish`, either return an ``https`` (or, for emulators, ``http``) URL that
      anyone holding it can download without credentials for at least as long as Slack
      needs to fetch it, under a key made by :func:`new_key` (at least 128 random bits,
      nothing about the user or the data); or return ``None``, meaning "upload the image to
      Slack with the reply";
    - raise :class:`~lookerbot.errors.ImageStoreError` with a reason for admins for every
      failure (callers fall back to a Slack upload), within a bounded time, never blocking
      the event loop, and never putting a secret in a reason or a log line;
    - in :meth:`check`, write a test image, prove it can be read back the way Slack would
      read it, delete it, and say what was proven (or raise with what is wrong).
    """

    name: str
    hosts_images: bool

    async def publish(self, image: bytes) -> str | None:
        """Store a PNG; its URL, or ``None`` when it goes to Slack with the reply."""
        ...

    async def check(self) -> str:
        """Prove the store works end to end; what was proven, in one line."""
        ...

    async def aclose(self) -> None:
        """Release clients, connections and threads."""
        ...


class UrlImageStore(abc.ABC):
    """Base of the stores whose images Slack downloads from a URL.

    Subclasses write and delete objects and explain failures; publishing, the time limit
    and the end-to-end check are shared here.

    Args:
        timeout: seconds one write may take before the store counts as failed.
    """

    name: str = ""
    hosts_images = True

    def __init__(
        self, *, timeout: float = DEFAULT_STORE_TIMEOUT, proxies: Proxies | None = None
    ) -> None:
        self.timeout = timeout
        self.proxies = proxies or Proxies()
        """The outbound proxy rule for the store's calls and its test download."""

    @abc.abstractmethod
    def describe(self) -> str:
        """The store in words, for logs and ``lookerbot check`` ("S3 bucket charts")."""

    @property
    @abc.abstractmethod
    def url_kind(self) -> str:
        """What kind of URL is posted ("public URL", "presigned URL valid 1 h")."""

    @abc.abstractmethod
    async def put(self, key: str, data: bytes, *, content_type: str) -> str:
        """Write an object; the URL Slack can download it from.

        Raises:
            ImageStoreError: with the reason, for any failure.
        """

    @abc.abstractmethod
    async def delete(self, key: str) -> None:
        """Delete an object (only ``lookerbot check`` does: chart images are never deleted
        by the bot; expire them with a lifecycle rule).

        Raises:
            ImageStoreError: with the reason, for any failure.
        """

    async def explain_unreadable(self, status: int | None, headers: Mapping[str, str]) -> str:
        """Why a URL this store returned could not be downloaded without credentials.

        Args:
            status: the HTTP status of the download; ``None`` when nothing answered.
            headers: the response's headers (some stores put an error code there).
        """
        got = f"HTTP {status}" if status is not None else "no answer"
        return f"{self.describe()}: the image's {self.url_kind} could not be downloaded ({got})."

    async def aclose(self) -> None:  # noqa: B027 - optional for subclasses
        """Release the SDK client and threads."""

    async def publish(self, image: bytes) -> str:
        url = await self._put_in_time(new_key(), image, content_type="image/png")
        if len(url) > MAX_IMAGE_URL:
            raise ImageStoreError(
                f"{self.describe()}: the image's URL is {len(url)} characters long; Slack "
                f"takes at most {MAX_IMAGE_URL}."
            )
        return url

    async def check(self) -> str:
        key = new_key()
        url = await self._put_in_time(key, CHECK_IMAGE, content_type="image/png")
        status, body, headers = await _download(url, self.proxies)
        if status != 200 or body != CHECK_IMAGE:
            problem = await self.explain_unreadable(status, headers)
            try:
                await self.delete(key)
            except ImageStoreError as exc:
                logger.warning("Could not delete the test image %s: %s", key, exc.reason)
            raise ImageStoreError(problem)
        try:
            await self.delete(key)
            deleted = "deleted it"
        except ImageStoreError as exc:
            deleted = (
                f"could not delete it ({exc.reason}; the bot itself never deletes, so this "
                "does not stop it)"
            )
        return (
            f"{self.describe()}: wrote a test image, downloaded it without credentials from "
            f"its {self.url_kind}, and {deleted}"
        )

    async def _put_in_time(self, key: str, data: bytes, *, content_type: str) -> str:
        try:
            return await asyncio.wait_for(
                self.put(key, data, content_type=content_type), self.timeout
            )
        except ImageStoreError:
            raise
        except TimeoutError:
            raise ImageStoreError(
                f"{self.describe()} did not finish a write within {self.timeout:g} seconds."
            ) from None
        except Exception as exc:
            # The exception's text may hold request details; the log (which redacts
            # secrets) gets it, the reason only its type.
            logger.exception("Unexpected error writing to %s", self.describe())
            raise ImageStoreError(
                f"{self.describe()}: unexpected {type(exc).__name__} (details in the log)."
            ) from exc


async def _download(url: str, proxies: Proxies) -> tuple[int | None, bytes, Mapping[str, str]]:
    """GET ``url`` as Slack would: no credentials, following redirects."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
            session.get(url, proxy=proxies.for_url(url)) as response,
        ):
            return response.status, await response.read(), dict(response.headers)
    except (aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("Could not download a test image: %s", type(exc).__name__)
        return None, b"", {}


class SdkThreads:
    """Runs a blocking SDK's calls on the store's own threads.

    Not ``asyncio.to_thread``: the loop's default executor has ``cpu + 4`` threads and also
    resolves host names for aiohttp, so a burst of slow uploads there would stall every
    call to Slack (see docs/design-notes.md).

    Args:
        name: thread name prefix.
        size: the most calls in flight at once.
    """

    def __init__(self, name: str, size: int = 16) -> None:
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix=name)

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` on one of the threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(function, *args, **kwargs))

    def close(self) -> None:
        """Stop the threads once their current calls end; queued calls are dropped."""
        self._executor.shutdown(wait=False, cancel_futures=True)
