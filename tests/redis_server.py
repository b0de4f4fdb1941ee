"""A real redis-server on 127.0.0.1 for the tests that need one (``.ci/run`` installs it)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import free_port, wait_for_port

PASSWORD = "s3cret-pw"


@dataclass
class RedisServer:
    port: int
    tls_port: int | None

    @property
    def url(self) -> str:
        """The URL of the ACL user (database 0)."""
        return f"redis://lookerbot:{PASSWORD}@127.0.0.1:{self.port}/0"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """redis-server on 127.0.0.1 with an ACL user, and a TLS port with a self-signed
    certificate when openssl is there to make one."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    args = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        *("--user", "default", "off"),
        *("--user", "lookerbot", "on", f">{PASSWORD}", "~*", "&*", "+@all"),
    ]
    tls_port = None
    openssl = shutil.which("openssl")
    if openssl is not None:
        subprocess.run(  # noqa: S603 - fixed binary and arguments
            [
                openssl,
                *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
                *("-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")),
                *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            ],
            check=True,
            capture_output=True,
        )
        tls_port = free_port()
        args += [
            *("--tls-port", str(tls_port)),
            *("--tls-cert-file", str(tmp_path / "cert.pem")),
            *("--tls-key-file", str(tmp_path / "key.pem")),
            *("--tls-auth-clients", "no"),
        ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        wait_for_port(port)
        if tls_port is not None:
            wait_for_port(tls_port)
        yield RedisServer(port, tls_port)
    finally:
        process.terminate()
        process.wait(timeout=10)
