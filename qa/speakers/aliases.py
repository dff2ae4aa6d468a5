"""Who speaks for whom: the alias lists that expand a speaker into the names news text uses for it.

"Russia" speaks through the Kremlin, Putin, Peskov, the foreign ministry and TASS. The bundled table
(``qa/speakers/data/speakers.json``) covers the usual speakers of 2022-2025 news; a user's JSON file
(``Settings.speakers_file``) adds entries or replaces them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from qa.errors import SettingsError

BUNDLED_ALIASES = Path(__file__).with_name("data") / "speakers.json"


def load_aliases(extra: Path | str | None = None) -> dict[str, list[str]]:
    """The bundled speaker aliases, with the entries of the user's JSON file ``extra`` over them.

    Both files map a speaker to a list of names (``"Brazil": ["Brazil", "Lula", "Itamaraty"]``) or to the
    name of another entry (``"Planalto": "Brazil"``); keys starting with ``_`` are comments. A user entry
    replaces the bundled entry of the same name (copy the bundled list to extend it). Pointers are resolved,
    so every value returned is a list, starting with the entry's own name.

    Args:
        extra: a user's JSON file, e.g. from a setting; None for the bundled lists only.

    Returns:
        Speaker name -> aliases.

    Raises:
        SettingsError: the user's file is missing, not JSON, or malformed; the message names the file (a
            ``ValueError`` too).

    Example:
        >>> aliases = load_aliases()
        >>> aliases["Russia"][:4], aliases["Kremlin"][:4]
        (['Russia', 'Kremlin', 'Moscow', 'Putin'], ['Kremlin', 'Russia', 'Moscow', 'Putin'])
    """
    table = _read_table(BUNDLED_ALIASES)
    origin = dict.fromkeys(table, BUNDLED_ALIASES)
    if extra is not None:
        path = Path(extra).expanduser()
        by_lower = {name.lower(): name for name in table}
        for name, value in _read_table(path).items():
            table.pop(by_lower.get(name.lower(), name), None)
            table[name] = value
            origin[name] = path
    resolved: dict[str, list[str]] = {}
    by_lower = {name.lower(): name for name in table}
    for name, value in table.items():
        target = table.get(by_lower.get(value.lower(), value)) if isinstance(value, str) else value
        if not isinstance(target, list):
            raise SettingsError(
                f"{origin[name]}: entry {name!r} points to {value!r}, which is not an entry with a list of aliases"
            )
        resolved[name] = unique_names([name, *target])
    return resolved


def _read_table(path: Path) -> dict[str, list[str] | str]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # editors on Windows add a BOM
    except FileNotFoundError:
        raise SettingsError(f"{path}: no such speakers file; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the speakers file ({exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: must be a JSON object mapping each speaker to a list of aliases")
    table: dict[str, list[str] | str] = {}
    for name, value in data.items():
        if name.startswith("_"):
            continue
        if not name.strip():
            raise SettingsError(f"{path}: a speaker name is empty")
        if isinstance(value, str) and value.strip():
            table[name.strip()] = value.strip()
        elif isinstance(value, list) and value and all(isinstance(a, str) and a.strip() for a in value):
            table[name.strip()] = [a.strip() for a in value]
        else:
            shown = json.dumps(value, ensure_ascii=False)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            raise SettingsError(
                f"{path}: entry {name!r} must be a non-empty list of alias strings or the name of another entry, "
                f"got {shown}"
            )
    return table


@lru_cache(maxsize=1)
def bundled_aliases() -> dict[str, tuple[str, ...]]:
    """The bundled aliases alone, read once."""
    return {name: tuple(values) for name, values in load_aliases().items()}


def unique_names(names: Sequence[str]) -> list[str]:
    """``names`` without repeats, ignoring case; the first spelling is kept."""
    kept: dict[str, str] = {}
    for name in names:
        kept.setdefault(name.lower(), name)
    return list(kept.values())


@lru_cache(maxsize=1)
def _entities() -> dict[str, tuple[str, ...]]:
    raw = _read_table(BUNDLED_ALIASES)
    by_lower = {name.lower(): name for name in raw}

    def target(name: str) -> str:
        value = raw[name]
        return by_lower.get(value.lower(), value) if isinstance(value, str) else name

    pointing: dict[str, list[str]] = {}
    for name in raw:
        pointing.setdefault(target(name), []).append(name)
    groups = {
        key: tuple(unique_names([*names, *(v for v in raw[key] if isinstance(raw[key], list))]))
        for key, names in pointing.items()
        if isinstance(raw.get(key), list)
    }
    index: dict[str, tuple[str, ...]] = {}
    # A name with an entry of its own is that entry ("Biden" is Biden, not the whole United States); any other
    # name belongs to the entry that lists it ("Wang Yi" is China, "Israeli" points to Israel).
    for name in raw:
        if target(name) in groups:
            index.setdefault(name.lower(), groups[target(name)])
    for names in groups.values():
        for name in names:
            index.setdefault(name.lower(), names)
    return index


def entity_names(name: str) -> tuple[str, ...] | None:
    """Every name of the entity ``name`` stands for in the bundled table, or None when the table does not know it.

    A country comes with its demonym, capital, government and leaders; a person with an entry of their own is
    that person only. Topic filtering uses it to tell "US strikes" from "Israeli strikes".

    Example:
        >>> names = entity_names("American")
        >>> {"US", "United States", "Washington"} <= set(names), "Israel" in names
        (True, False)
        >>> entity_names("Biden"), entity_names("Pelosi")
        (('Biden', 'Joe Biden'), None)
    """
    return _entities().get(" ".join(name.split()).lower())
