"""Run a server in a subprocess on a free local port and wait until it answers.

For the browser and multi-process tests, the screenshots script and the benchmarks, which all
need a real server (not the in-process ASGI app) and must never leave one running.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx

# Debian's Chromium as this machine runs it (see STACK.md): no sandbox as root, and no
# background networking, which a closed network answers with refusals at every start.
CHROMIUM = os.environ.get("FLASHCOOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A cheap Android phone: the width every participant page must fit.
PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def uvicorn_command(target: str, port: int, *extra: str) -> list[str]:
    """`python -m uvicorn TARGET` on 127.0.0.1:PORT (a `:create_app` target is a factory)."""
    factory = ["--factory"] if target.endswith(":create_app") else []
    return [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        *factory,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        *extra,
    ]


@contextmanager
def running(
    command: list[str],
    *,
    url: str,
    env: Mapping[str, str],
    cwd: Path,
    output: IO[Any] | int | None = subprocess.DEVNULL,
    timeout: float = 60,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `command`, wait until GET `url` answers, yield the process, then stop it."""
    # Our own interpreter and arguments: nothing untrusted reaches this call.
    process = subprocess.Popen(  # noqa: S603
        command, env=dict(env), cwd=cwd, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(url, timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server for {url} did not start ({process.returncode})")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
