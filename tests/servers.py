"""Real servers for the tests of shared archives, each started on a free localhost port and stopped after its module:
a chroma server (``chroma run``, the CLI chromadb installs) and a PostgreSQL server (Debian's package, which
``.ci/run`` installs). A missing server fails the tests that need it, with what to install: they are never skipped.

``tests/conftest.py`` makes the fixtures available to every test module.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    """A localhost port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A chroma server of its own for this module, stopped after it."""
    if not CHROMA.exists():
        pytest.fail(f"no chroma CLI at {CHROMA}: chromadb installs it with the package", pytrace=False)
    port = free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    log = (folder / "server.log").open("w")
    server = subprocess.Popen([str(CHROMA), "run", "--path", str(folder / "data"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not start: {(folder / 'server.log').read_text()[-500:]}")
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _postgres_bin(name: str) -> str:
    # Debian keeps the server's programs out of PATH, under /usr/lib/postgresql/<version>/bin.
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        pytest.fail(f"no PostgreSQL {name}: install the server (apt-get install postgresql)", pytrace=False)
    return found


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server of its own for this module (a fresh cluster, trust auth on 127.0.0.1), stopped and
    removed after it; yields the URL of an empty database in it."""
    # PostgreSQL refuses to run as root: as root, the cluster belongs to Debian's postgres user, in a folder that
    # user can reach (pytest's own temp folders are private to root).
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(folder, "postgres")
    port = free_port()
    data, log = folder / "data", folder / "server.log"

    def run(*command: str) -> None:
        done = subprocess.run([*run_as, *command], capture_output=True, text=True)
        if done.returncode:
            pytest.fail(f"{command[0]} failed: {(done.stderr or done.stdout)[-800:]}", pytrace=False)

    run(_postgres_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    run(_postgres_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    try:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as db:
            db.execute("CREATE DATABASE newsdesk")
        yield f"postgresql://postgres@127.0.0.1:{port}/newsdesk"
    finally:
        with contextlib.suppress(Exception):
            subprocess.run([*run_as, _postgres_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
