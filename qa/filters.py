"""The one search filter every search-shaped call takes: ``search``, ``ask``, ``ask_stream``, ``choose``, ``chat``.

A :class:`SearchFilters` value is given whole (``filters=``) or built from keywords (``as_of=…, exclude=[…]``), and
both forms go through :meth:`SearchFilters.of`, so the fields are named once, here. Retrieval turns it into the
store-level :class:`index.filters.ChunkFilter` that every index applies.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from qa.errors import FilterError

Scalar = str | int | float | bool


class SearchFilters(BaseModel):
    """Which articles a query may use. ``as_of`` is the query's "now": nothing published after it is used.

    Example:
        >>> f = SearchFilters.of(sources="Reuters", as_of=datetime(2022, 6, 16), exclude=["gold-1"])
        >>> f.sources, f.as_of.isoformat(), f.exclude
        (('Reuters',), '2022-06-16T00:00:00+00:00', ('gold-1',))
        >>> SearchFilters.of(f, sources=["AP"]).exclude  # keywords refine a given value
        ('gold-1',)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    since: datetime | None = Field(None, description="Earliest publication time (inclusive).")
    until: datetime | None = Field(None, description="Latest publication time (inclusive).")
    sources: tuple[str, ...] = Field((), description="Publishers to keep, any case; empty keeps all.")
    metadata: dict[str, Scalar] = Field(
        default_factory=dict, description="Fields of the original record that must equal these (e.g. topics=cocoa)."
    )
    as_of: datetime | None = Field(None, description="The query's 'now'; later articles are never used.")
    exclude: tuple[str, ...] = Field((), description="Article ids never used, as if the archive did not hold them.")

    @classmethod
    def of(cls, filters: SearchFilters | None = None, /, **criteria: Any) -> SearchFilters:
        """``filters`` (default: none) refined by keyword criteria; a criterion given as None is ignored.

        Raises:
            FilterError: an unknown keyword, a value of the wrong kind, or ``since`` after the end of the window.
        """
        given = {key: value for key, value in criteria.items() if value is not None}
        if not given:
            return filters or cls()
        unknown = sorted(set(given) - set(cls.model_fields))
        if unknown:
            raise FilterError(
                f"unknown filter {', '.join(unknown)}; the filters are {', '.join(cls.model_fields)}"
            )
        try:
            return cls.model_validate({**(filters or cls()).model_dump(), **given})
        except ValidationError as exc:
            problem = exc.errors()[0]
            if isinstance(cause := problem.get("ctx", {}).get("error"), FilterError):
                raise cause from None
            where = ".".join(str(part) for part in problem["loc"]) or "filters"
            raise FilterError(f"filter {where}: {problem['msg']}") from None

    def at(self, now: datetime) -> SearchFilters:
        """These filters with ``as_of`` set to ``now`` when it is not set."""
        return self if self.as_of is not None else self.model_copy(update={"as_of": _utc(now)})

    @field_validator("since", "until", "as_of")
    @classmethod
    def _to_utc(cls, value: datetime | None) -> datetime | None:
        return _utc(value) if value is not None else None

    @field_validator("sources", "exclude", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        # sources="Reuters" means one publisher, not seven letters.
        return (value,) if isinstance(value, str) else tuple(value)

    @model_validator(mode="after")
    def _window(self) -> SearchFilters:
        latest = self.latest()
        if self.since is not None and latest is not None and self.since > latest:
            raise FilterError(f"since ({self.since:%Y-%m-%d}) is after the end of the window ({latest:%Y-%m-%d})")
        return self

    def latest(self) -> datetime | None:
        """The effective upper bound: the earlier of ``until`` and ``as_of``."""
        bounds = [d for d in (self.until, self.as_of) if d is not None]
        return min(bounds) if bounds else None

    def describe(self) -> str:
        """The filters in words, for messages."""
        parts = []
        if self.since:
            parts.append(f"since {self.since:%Y-%m-%d}")
        if (latest := self.latest()) is not None:
            parts.append(f"until {latest:%Y-%m-%d}")
        if self.sources:
            parts.append(f"from {', '.join(self.sources)}")
        parts.extend(f"{k}={v!r}" for k, v in self.metadata.items())
        if self.exclude:
            parts.append(f"{len(self.exclude)} article(s) excluded")
        return ", ".join(parts) or "no filters"


def epoch(value: datetime | None) -> int | None:
    """Epoch seconds of a bound, as the indexes store dates."""
    return int(value.timestamp()) if value is not None else None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
