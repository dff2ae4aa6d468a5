"""The chat's controls as qa values: dates and sources as a :class:`~qa.SearchFilters`, the model and the number of
passages as a Desk configured for them.

The Desk is only duck-typed (the server may hand the app a Desk behind a lock): the controls use ``desk.llm`` and
``desk.settings`` when present, and a Desk with another model or passage count is built from ``desk.store``,
``desk.embedder`` and ``desk.settings``; without them the chat keeps the desk's own model and passage count.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from qa import Desk, LLMSettings, NewsDeskError, SearchFilters, SettingsError
from qa.llm import LLM, make_llm
from qa.llm.bundled import BUNDLED_MODELS
from ui.fields import parse_day

DEFAULT_PASSAGES = 10

# One LLM object per model name for the whole process: a model is loaded once, whichever session picks it.
_LLMS: dict[str, LLM] = {}
_LLMS_LOCK = threading.Lock()


@dataclass(frozen=True)
class ChatOptions:
    """What the chat's controls say, as the browser sends them (dates as ``YYYY-MM-DD`` text, empty when unset).

    Example:
        >>> ChatOptions(as_of="2024-06-12", sources=["Harbor Herald"]).filters().describe()
        'until 2024-06-12, from Harbor Herald'
    """

    as_of: str | None = None
    since: str | None = None
    until: str | None = None
    sources: list[str] = field(default_factory=list)
    passages: int | None = None
    model: str | None = None

    def filters(self) -> SearchFilters:
        """The dates and sources as qa's filter; a date is a whole day, so ``until`` and ``as_of`` reach its end.

        Raises:
            FilterError: a date that is not YYYY-MM-DD, or ``since`` after ``until``/``as_of``.
        """
        return SearchFilters.of(
            since=parse_day(self.since, "since"),
            until=parse_day(self.until, "until", end_of_day=True),
            as_of=parse_day(self.as_of, "as of", end_of_day=True),
            sources=list(self.sources) or None,
        )


def today() -> str:
    """Today's date (UTC) as the date controls show it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def model_name(desk: Any) -> str:
    """The name of the desk's own model (what answers use unless the reader picks another)."""
    return str(getattr(getattr(desk, "llm", None), "name", "") or "model")


def default_passages(desk: Any) -> int:
    """How many passages the desk retrieves per question by default."""
    settings = getattr(desk, "settings", None)
    return int(settings.answer.top_k) if settings is not None else DEFAULT_PASSAGES


def model_choices(desk: Any) -> list[tuple[str, str]]:
    """(label, name) of the models a reader may pick: the desk's own first (the bundled model, or the endpoint the
    settings name), then each bundled model that is installed; only the desk's own when it cannot be reconfigured.
    """
    own = model_name(desk)
    settings = getattr(desk, "settings", None)
    endpoint = settings is not None and settings.llm.backend == "openai"
    choices = [(f"{own} (endpoint)" if endpoint else own, own)]
    if _parts(desk) is None:
        return choices
    for bundled in BUNDLED_MODELS.values():
        if bundled.name != own and _installed(bundled.module_pattern, bundled.parts):
            choices.append((f"{bundled.name} (bundled)", bundled.name))
    return choices


def desk_for(desk: Any, model: str | None, passages: int | None) -> Any:
    """The desk to answer with: ``desk`` itself for its own model and passage count, otherwise a Desk over the same
    archive and embedder with the chosen model (one per name per process) and passage count.

    Raises:
        SettingsError: ``model`` is not one of :func:`model_choices`.
        ArchiveNotFoundError: the archive does not exist.
    """
    own = model_name(desk)
    model = model or own
    passages = int(passages) if passages else default_passages(desk)
    if model == own and passages == default_passages(desk):
        return desk
    parts = _parts(desk)
    if parts is None:
        return desk  # a desk that cannot be taken apart answers with its own settings
    store, embedder, settings = parts
    if model not in {name for _, name in model_choices(desk)}:
        raise SettingsError(f"unknown model {model!r}; choose one of the models listed")
    llm = desk.llm if model == own else _llm(model, settings)
    answer = settings.answer.model_copy(update={"top_k": passages})
    return Desk(store, embedder, llm, settings.model_copy(update={"answer": answer}))


def _llm(name: str, settings: Any) -> LLM:
    with _LLMS_LOCK:
        if name not in _LLMS:
            local = LLMSettings(**{**settings.llm.model_dump(), "backend": "local", "model": name, "base_url": None})
            _LLMS[name] = make_llm(local, settings.cache_dir)
        return _LLMS[name]


def _parts(desk: Any) -> tuple[Any, Any, Any] | None:
    try:
        return desk.store, desk.embedder, desk.settings
    except (AttributeError, NewsDeskError):
        return None


def _installed(pattern: str, parts: int) -> bool:
    # Finding the part packages is enough: the model is joined and verified on first use, not here.
    return all(importlib.util.find_spec(pattern.format(i=i)) is not None for i in range(1, parts + 1))
