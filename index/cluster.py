"""This process's connection to a Ray cluster, for distributed ingest (``index.distributed``): started or joined,
quietly, without a dashboard, usage stats or a file in HOME, and closed again.

Ray is optional (``pip install 'newsdesk[ray]'``); this is the one module that imports it, and only when called.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.errors import ClusterError, InvalidArgumentError

__all__ = ["ray_session", "import_ray", "brief", "INSTALL_HINT"]

INSTALL_HINT = "distributed ingest needs Ray: pip install 'newsdesk[ray]'"

# Ray's own INFO lines ("Started a local Ray instance") and the workers' output would interleave with the progress
# bar; what goes wrong on a worker comes back as a value (a LoadProblem, a batch's exception) instead.
_QUIET: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
_AUTH_VARIABLES = ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")
# Set for a session (by this module, or by Ray as it starts a cluster) and put back as they were after it.
_VARIABLES = (*_AUTH_VARIABLES, "RAY_USAGE_STATS_ENABLED")


@contextlib.contextmanager
def ray_session(
    address: str | None = None, *, num_cpus: int | None = None, temp_dir: str | Path | None = None
) -> Iterator[Any]:
    """This process connected to Ray for the duration of the block, which receives the ``ray`` module.

    A cluster started here is shut down when the block ends; from a cluster joined, this process only disconnects.
    If this process is connected already (``ray.init`` was called elsewhere), the block uses that connection and
    leaves it open.

    Args:
        address: ``None`` or ``"local"``: start a new cluster on this machine, for this process alone. ``"auto"``:
            the cluster ``ray start`` runs on this machine (or the one ``RAY_ADDRESS`` names). ``"HOST:PORT"``: the
            cluster whose head listens there.
        num_cpus: CPUs of a new local cluster (default: all of them).
        temp_dir: where a new local cluster keeps its sockets, logs and spilled objects (default Ray's,
            ``/tmp/ray``); keep the path short, Unix sockets live there.

    Raises:
        ClusterError: Ray is not installed, or the cluster could not be started or reached.
        InvalidArgumentError: ``num_cpus`` or ``temp_dir`` given for a cluster that is joined, not started.
    """
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    local = address in (None, "local")
    if not local and (num_cpus is not None or temp_dir is not None):
        raise InvalidArgumentError(f"num_cpus and temp_dir are for a new local cluster, not the one at {address}")
    saved = {name: os.environ.get(name) for name in _VARIABLES}
    os.environ.update(_environment(local))
    try:
        try:
            with _quiet_auth_notice():
                if local:
                    where = str(Path(temp_dir).absolute()) if temp_dir is not None else None
                    ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, _temp_dir=where, **_QUIET)
                else:
                    ray.init(address=address, **_QUIET)
        except (ConnectionError, RuntimeError, ValueError, OSError) as exc:
            what = "start a local Ray cluster" if local else f"reach the Ray cluster at {address}"
            raise ClusterError(f"could not {what} ({brief(exc)})") from exc
        try:
            yield ray
        finally:
            ray.shutdown()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _environment(local: bool) -> dict[str, str]:
    """The variables Ray is started or joined with, unless the user set them."""
    wanted = {"RAY_USAGE_STATS_ENABLED": "0"}
    if local and not any(name in os.environ for name in _AUTH_VARIABLES):
        # Ray protects a new cluster with a token that it would otherwise save in ~/.ray/auth_token: a cluster
        # living as long as this process needs no saved token, and HOME stays untouched. Ray itself switches the
        # token mode on (RAY_AUTH_MODE), as it does for any new cluster.
        wanted["RAY_AUTH_TOKEN"] = _token()
    return {name: value for name, value in wanted.items() if name not in os.environ}


@functools.cache
def _token() -> str:
    # One per process: Ray's token loader caches the first token it reads, so a second local cluster started by
    # this process must be given the same one.
    return secrets.token_hex(32)


@contextlib.contextmanager
def _quiet_auth_notice() -> Iterator[None]:
    # Ray tells of the token mode it switched on, at WARNING, on every start: it is the safe default, not news.
    notices = logging.getLogger("ray._private.authentication.authentication_token_setup")
    level = notices.level
    notices.setLevel(logging.ERROR)
    try:
        yield
    finally:
        notices.setLevel(level)


def import_ray() -> Any:
    """The ``ray`` module.

    Raises:
        ClusterError: Ray is not installed (the message says how to install it).
    """
    try:
        import ray
    except ImportError:
        raise ClusterError(INSTALL_HINT) from None
    return ray


def brief(exc: BaseException) -> str:
    """``Type: first line`` of an error, the cause of a Ray task's error rather than Ray's wrapper."""
    cause = getattr(exc, "cause", None)
    exc = cause if isinstance(cause, BaseException) else exc
    lines = str(exc).strip().splitlines()
    return f"{exc.__class__.__name__}: {lines[0][:200]}" if lines else exc.__class__.__name__
