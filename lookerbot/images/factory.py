"""The factory of image stores: apart from the base classes in ``images/store.py``, which
every backend imports, so that the factory may import the backends without a circle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lookerbot.errors import ImageStoreError
from lookerbot.images.store import ImageStore

if TYPE_CHECKING:
    from lookerbot.settings import Settings
    from lookerbot.slack.poster import SlackPoster


def build_image_store(settings: Settings, *, poster: SlackPoster) -> ImageStore:
    """The image store the settings choose (``LOOKERBOT_IMAGE_STORE``).

    Args:
        settings: validated settings.
        poster: posts to Slack; the ``slack`` store uploads through it.

    Raises:
        ImageStoreError: the store's SDK is not installed.
    """
    storage = settings.storage
    store = storage.image_store
    try:
        if store == "s3":
            from lookerbot.images.s3 import S3ImageStore

            assert storage.s3_bucket is not None  # settings require it
            return S3ImageStore(
                bucket=storage.s3_bucket,
                region=storage.s3_region,
                access_key_id=storage.aws_access_key_id,
                secret_access_key=storage.aws_secret_access_key,
                endpoint_url=storage.aws_endpoint_url,
                presign_seconds=storage.s3_presign_seconds,
                proxies=settings.proxies,
            )
        if store == "azure":
            from lookerbot.images.azure_blob import AzureBlobImageStore

            assert storage.azure_container is not None
            return AzureBlobImageStore(
                container=storage.azure_container,
                account=storage.azure_account,
                access_key=storage.azure_access_key,
                connection_string=storage.azure_connection_string,
                sas_seconds=storage.azure_sas_seconds,
                proxies=settings.proxies,
            )
        if store == "gcs":
            from lookerbot.images.gcs import GcsImageStore

            assert storage.gcs_bucket is not None
            return GcsImageStore(
                bucket=storage.gcs_bucket,
                project=storage.gcs_project,
                credentials_json=storage.gcs_credentials_json,
                emulator_host=storage.storage_emulator_host,
                proxies=settings.proxies,
            )
    except ImportError as exc:
        raise ImageStoreError(
            f"The {store} image store needs {exc.name or 'its SDK'}, which is not installed: "
            f"pip install 'lookerbot[{store}]'."
        ) from exc
    from lookerbot.images.slack_files import SlackFilesImageStore

    return SlackFilesImageStore(poster=poster)
