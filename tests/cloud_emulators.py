"""Object-store emulators for the tests, each a process on 127.0.0.1 with a free port.

- S3: moto in server mode (``moto[server]``, a test dependency).
- Azure Blob Storage: Azurite (npm package ``azurite``; needs Node.js 18+). It is taken from
  the PATH, else from ``.cache/azurite``, where it is installed with npm on first use.
- Google Cloud Storage: ``gcp-storage-emulator`` (a test dependency).

Run as a script to install Azurite before the tests (``.ci/run`` does, so no test waits for
npm)::

    python3 tests/cloud_emulators.py install-azurite
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AZURITE_DIR = ROOT / ".cache" / "azurite"
AZURITE_PACKAGE = "azurite@3"
# Azurite's well-known development account (published in Azurite's documentation).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def azurite_binary() -> Path:
    """The ``azurite-blob`` command: on the PATH, installed locally, or installed now."""
    found = shutil.which("azurite-blob")
    if found:
        return Path(found)
    local = AZURITE_DIR / "node_modules" / ".bin" / "azurite-blob"
    if local.exists():
        return local
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "The Azure tests need Azurite, which needs Node.js 18+ and npm: install Node.js, "
            "or put azurite-blob on the PATH."
        )
    AZURITE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            npm,
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(AZURITE_DIR),
            AZURITE_PACKAGE,
        ],
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )
    if not local.exists():
        raise RuntimeError(f"npm installed azurite, but {local} is missing")
    return local


class EmulatorProcess:
    """A server process that is stopped when the tests are done with it.

    Args:
        command: what to run.
        ready_url: a URL that answers (any HTTP status) once the server is up.
        name: for messages.
    """

    def __init__(self, command: list[str], *, ready_url: str, name: str) -> None:
        self.name = name
        self.command = command
        self.ready_url = ready_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> EmulatorProcess:
        """Start the process and wait until it answers."""
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            self.command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = (
                    self.process.stderr.read().decode(errors="replace")
                    if self.process.stderr
                    else ""
                )
                raise RuntimeError(f"{self.name} exited at start: {error[-2000:]}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2):  # noqa: S310 - loopback
                    return self
            except urllib.error.HTTPError:
                return self  # it answered
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not start within {timeout:g} s")

    def stop(self) -> None:
        """Stop the process (and wait for it)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None


def moto_server() -> tuple[EmulatorProcess, str]:
    """moto's S3 in server mode; its endpoint URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    return EmulatorProcess(command, ready_url=f"{url}/moto-api/", name="moto").start(), url


def gcs_emulator() -> tuple[EmulatorProcess, str]:
    """gcp-storage-emulator, in memory; its URL (as STORAGE_EMULATOR_HOST)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "gcp_storage_emulator", "start",
        "--host", "127.0.0.1", "--port", str(port), "--in-memory", "--quiet",
    ]  # fmt: skip
    return EmulatorProcess(command, ready_url=f"{url}/", name="gcp-storage-emulator").start(), url


def azurite(location: Path) -> tuple[EmulatorProcess, str]:
    """Azurite's Blob service, storing under ``location``; the account's blob endpoint.

    ``--skipApiVersionCheck``: Azurite 3.35 (what npm gives on Node 20) refuses the newer
    API version azure-storage-blob 12.31 speaks.
    """
    port = free_port()
    command = [
        str(azurite_binary()),
        "--blobHost", "127.0.0.1", "--blobPort", str(port),
        "--location", str(location), "--skipApiVersionCheck", "--silent", "--disableTelemetry",
    ]  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}"
    process = EmulatorProcess(command, ready_url=f"{endpoint}?comp=list", name="Azurite")
    return process.start(), endpoint


def azurite_connection_string(endpoint: str, key: str = AZURITE_KEY) -> str:
    """A connection string for the Azurite account at ``endpoint``."""
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={key};"
        f"BlobEndpoint={endpoint};"
    )


if __name__ == "__main__":
    if sys.argv[1:] != ["install-azurite"]:
        sys.exit("usage: python3 tests/cloud_emulators.py install-azurite")
    print(f"Azurite: {azurite_binary()}")
