"""Who said what: speaker questions, who speaks for whom, and the sentences where a speaker speaks.

"What has Russia said about US strikes?" is not answered by one fact but by a dated list of statements
from everyone who speaks for Russia: the Kremlin, Putin, Peskov, the foreign ministry, TASS. This module

- recognises such questions (:func:`parse_speaker_question`) and expands the speaker into the names news
  text uses for it, from ``qa/data/speakers.json`` plus an optional user file (:func:`load_aliases`);
- builds a retrieval query that finds passages where those names speak (:func:`speaker_search_text`);
- scores how much a passage reads as the speaker speaking (:func:`statement_score`) and picks out the
  sentences that are statements, with char offsets (:func:`extract_statements`, :func:`statements_from_hits`).

Everything is pattern-based (no model; the sentence rules live in :mod:`qa.speakers.attribution`): a statement is an
alias as the subject of a speech verb ("Peskov told reporters", "Russia's foreign ministry on Sunday condemned"),
after one ("..., said Peskov"), after "according to", a pronoun or "the ministry" continuing a statement, or a
quotation attributed to one of these.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from index.reference import ArticleRef
from qa.speakers.attribution import STATEMENT_THRESHOLD, attribute
from qa.types import Hit

BUNDLED_ALIASES = Path(__file__).with_name("data") / "speakers.json"


class SpeakerQuery(BaseModel):
    """A question asking what a speaker said, with the names that speaker goes by in news text."""

    model_config = ConfigDict(frozen=True)

    speaker: str = Field(description="The speaker as the question names it, e.g. 'Russia' or 'Kremlin'.")
    aliases: tuple[str, ...] = Field(description="Names whose statements count as the speaker's, most common first.")
    topic: str = Field(description="What the statements should be about; empty if the question names nothing.")


class Statement(BaseModel):
    """A sentence in which the speaker says something."""

    model_config = ConfigDict(frozen=True)

    speaker_mention: str = Field(
        description="Who speaks, as the text names them, e.g. 'Kremlin spokesman Dmitry Peskov'."
    )
    text: str = Field(description="The sentence.")
    start: int = Field(description="Char offset of the sentence in the text searched.")
    end: int = Field(description="Char offset just past the sentence.")
    score: float = Field(1.0, description="How clearly the sentence is the speaker's statement, in [0.5, 1].")


class DatedStatement(BaseModel):
    """A statement found in a retrieved passage, with the article it comes from."""

    model_config = ConfigDict(frozen=True)

    speaker_mention: str
    text: str = Field(description="The sentence.")
    score: float
    article: ArticleRef = Field(description="The article the statement is quoted from.")
    chunk_id: str
    start: int = Field(description="Char offset of the sentence in its article.")
    end: int

    @property
    def article_id(self) -> str:
        """The id of the statement's article."""
        return self.article.article_id


# ---------------------------------------------------------------------------------------------- alias lists


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
        ValueError: the user's file is missing, not JSON, or malformed; the message names the file.

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
            raise ValueError(
                f"{origin[name]}: entry {name!r} points to {value!r}, which is not an entry with a list of aliases"
            )
        resolved[name] = _dedupe([name, *target])
    return resolved


def _read_table(path: Path) -> dict[str, list[str] | str]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # editors on Windows add a BOM
    except FileNotFoundError:
        raise ValueError(f"{path}: no such speakers file; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the speakers file ({exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must be a JSON object mapping each speaker to a list of aliases")
    table: dict[str, list[str] | str] = {}
    for name, value in data.items():
        if name.startswith("_"):
            continue
        if not name.strip():
            raise ValueError(f"{path}: a speaker name is empty")
        if isinstance(value, str) and value.strip():
            table[name.strip()] = value.strip()
        elif isinstance(value, list) and value and all(isinstance(a, str) and a.strip() for a in value):
            table[name.strip()] = [a.strip() for a in value]
        else:
            shown = json.dumps(value, ensure_ascii=False)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            raise ValueError(
                f"{path}: entry {name!r} must be a non-empty list of alias strings or the name of another entry, "
                f"got {shown}"
            )
    return table


@lru_cache(maxsize=1)
def _bundled() -> dict[str, tuple[str, ...]]:
    return {name: tuple(values) for name, values in load_aliases().items()}


def _dedupe(names: Sequence[str]) -> list[str]:
    kept: dict[str, str] = {}
    for name in names:
        kept.setdefault(name.lower(), name)
    return list(kept.values())


# ---------------------------------------------------------------------------------------- speaker questions

_SAY = (
    r"(?:say|said|saying|says|stated?|comment(?:ed|ing)?|respond(?:ed|ing|s)?|react(?:ed|ing|s)?|"
    r"repl(?:y|ied|ying|ies)|claim(?:ed|ing|s)?|warn(?:ed|ing|s)?|argu(?:e|ed|ing|es)|told|tell(?:ing|s)?)\b"
)
_PREP = r"(?:about|on|regarding|concerning|over|to|of|in\s+response\s+to|after|following|amid)"
_FILLER = r"(?:\s+(?:anything|publicly|officially|so\s+far|lately|recently|reporters|journalists|the\s+press))*"
_ADVERBS = r"(?:(?:been|publicly|officially|actually|now|already|so\s+far|recently)\s+)*"
_NOUNS = r"(?:official\s+|initial\s+|latest\s+|first\s+|public\s+)?(?:reactions?|responses?|comments?|remarks|statements?|position|stance|views?|message)"  # noqa: E501
_QUESTIONS = [
    # What has Russia said about ...? / How has China responded to ...? / What is Zelensky saying about ...?
    re.compile(
        rf"^(?:what|how)\s+(?:has|have|had|did|does|do|is|are|was|were)\s+(?P<who>.{{1,80}}?)\s+{_ADVERBS}{_SAY}"
        rf"{_FILLER}(?:\s+{_PREP}\s+(?P<topic>.*?)|\s+(?P<rest>.*?))?$",
        re.IGNORECASE,
    ),
    # (tell me) what Russia has said about ... / how China responded to ...
    re.compile(
        rf"^(?:what|how)\s+(?P<who>.{{1,80}}?)\s+(?:has\s+|have\s+|had\s+|is\s+|are\s+)?{_ADVERBS}{_SAY}"
        rf"{_FILLER}(?:\s+{_PREP}\s+(?P<topic>.*?))?$",
        re.IGNORECASE,
    ),
    # Did Russia say anything about ...?
    re.compile(
        rf"^did\s+(?P<who>.{{1,80}}?)\s+(?:say|comment|respond|react)\b{_FILLER}(?:\s+{_PREP}\s+(?P<topic>.*))?$",
        re.IGNORECASE,
    ),
    # (What was) Russia's reaction to ...?
    re.compile(
        rf"^(?:(?:what|how)\s+(?:is|was|were|are|has\s+been|have\s+been)\s+)?(?P<who>[^?]{{1,60}}?)'s?\s+{_NOUNS}"
        rf"\s+{_PREP}\s+(?P<topic>.*?)$",
        re.IGNORECASE,
    ),
    # Statements by NATO on ... / the reaction of China to ...
    re.compile(
        rf"^(?:the\s+)?{_NOUNS}\s+(?:of|by|from)\s+(?P<who>.{{1,60}}?)\s+{_PREP}\s+(?P<topic>.*?)$", re.IGNORECASE
    ),
]
_REQUEST = re.compile(
    r"^(?:please\s+)?(?:(?:can|could|would)\s+you\s+)?(?:tell\s+me|show\s+me|give\s+me|list|find|summari[sz]e)\s+"
    r"(?:(?:all|the)\s+)*",
    re.IGNORECASE,
)
_NOT_SPEAKERS = frozenset(
    "i you he she it we they this that these those who what which someone anyone everyone nobody people "
    "report article story study paper survey poll data document letter statement law bill text book film "
    "headline news media post tweet video analysis research evidence model market markets".split()
)
# Lowercase subjects that are still speakers ("What did police say about the shooting?").
_AGENT_NOUNS = frozenset(
    "police officials government ministry military army court judge prosecutors prosecutor lawyers lawyer "
    "spokesman spokeswoman spokesperson company president minister mayor council governor senator lawmakers "
    "regulators authorities witnesses residents experts scientists doctors investigators union opposition "
    "protesters campaigners activists organisers organizers firm bank administration leadership".split()
)
_GENERIC = re.compile(
    r"\s+(?:government|officials|authorities|leadership|administration|side|foreign\s+ministry|"
    r"defen[cs]e\s+ministry|ministry|military|state\s+media|embassy|diplomats|leaders?)$",
    re.IGNORECASE,
)


def parse_speaker_question(question: str, aliases: Mapping[str, Sequence[str]] | None = None) -> SpeakerQuery | None:
    """Recognise a question about what someone said, or return None for any other question.

    A speaker that no entry knows still counts if it looks like a name ("What did Acme Corp say ...") or a
    speaking group ("What did police say ..."); documents and pronouns do not ("What did the report say ...",
    "What did he say ..."), as those are better answered as ordinary questions.

    Args:
        question: the user's question.
        aliases: speaker -> aliases, as :func:`load_aliases` returns; the bundled lists when None.

    Example:
        >>> q = parse_speaker_question("What has Russia said about US strikes?")
        >>> q.speaker, q.topic, q.aliases[:3]
        ('Russia', 'US strikes', ('Russia', 'Kremlin', 'Moscow'))
        >>> parse_speaker_question("When did the US strike Iran?") is None
        True
    """
    table: Mapping[str, Sequence[str]] = _bundled() if aliases is None else aliases
    text = re.sub(r"\s+", " ", question.replace("’", "'").replace("‘", "'")).strip().rstrip("?!. ")
    text = re.sub(r"^what's\b", "what is", text, flags=re.IGNORECASE)
    text = _REQUEST.sub("", text, count=1)
    for pattern in _QUESTIONS:
        match = pattern.match(text)
        if match is None:
            continue
        raw = match.group("who").strip()
        name = _speaker_name(raw, table, at_start=match.start("who") == 0)
        if name is None:
            return None
        groups = match.groupdict()
        topic = (groups.get("topic") or groups.get("rest") or "").strip(" ,.")
        speaker, names = _resolve(name, table)
        return SpeakerQuery(speaker=speaker, aliases=tuple(names), topic=topic)
    return None


def _speaker_name(raw: str, table: Mapping[str, Sequence[str]], *, at_start: bool) -> str | None:
    name = re.sub(r"^(?:the|a|an)\s+", "", raw, flags=re.IGNORECASE)
    name = re.sub(r"'s?$", "", name).strip()
    words = name.split()
    if not words or len(words) > 6 or any(w.lower() in _NOT_SPEAKERS and not w.isupper() for w in (name, words[-1])):
        return None
    if any(w in {"what", "how", "who", "when", "where", "why", "did", "does", "do", "is", "are"} for w in words):
        return None
    if _known(name, table):
        return name
    capitalised = [w for w in words if w[:1].isupper()]
    # A question starts with a capital, so a lone capitalised first word ("Markets' reaction") proves nothing.
    if (capitalised and not at_start) or len(capitalised) >= 2 or (name.isupper() and len(name) > 1):
        return name
    return name if words[-1].lower() in _AGENT_NOUNS else None


def _known(name: str, table: Mapping[str, Sequence[str]]) -> bool:
    parts = _parts(name)
    if len(parts) > 1:
        return all(_known(part, table) for part in parts)
    lower = name.lower()
    stripped = _GENERIC.sub("", name).lower()
    return any(
        key.lower() in (lower, stripped) or lower in (a.lower() for a in values) for key, values in table.items()
    )


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"\s*,\s*|\s+and\s+", name) if p]


def _resolve(name: str, table: Mapping[str, Sequence[str]]) -> tuple[str, list[str]]:
    parts = _parts(name)
    if len(parts) > 1 and all(_known(part, table) for part in parts):
        # "the US and Britain": statements by either count.
        return name, _dedupe([name, *(alias for part in parts for alias in _resolve(part, table)[1])])
    by_lower = {key.lower(): key for key in table}
    if (key := by_lower.get(name.lower())) is not None:
        return key, _dedupe([key, *table[key]])
    words = name.split()
    # "Russian officials", "the US administration": the country speaks, not only that body.
    stripped = _GENERIC.sub("", name)
    if stripped != name and (key := by_lower.get(stripped.lower())) is not None:
        return name, _dedupe([name, *table[key]])
    # "Joe Biden", "President Putin": the surname is the entry.
    if len(words) > 1 and words[-1][:1].isupper() and (key := by_lower.get(words[-1].lower())) is not None:
        return name, _dedupe([name, *table[key]])
    # A name inside someone's list ("Peskov") stands for that person only, not the whole country.
    known = {a.lower() for values in table.values() for a in values}
    extra = [words[-1]] if len(words) > 1 and words[-1].lower() in known else []
    return name, _dedupe([name, *extra])


def speaker_search_text(sq: SpeakerQuery, max_aliases: int = 6) -> str:
    """A retrieval query for ``sq``: its topic plus the speaker's main names, so passages where they speak rank high.

    Example:
        >>> sq = parse_speaker_question("What has Russia said about US strikes?")
        >>> speaker_search_text(sq)
        'US strikes Russia Kremlin Moscow Putin Peskov Lavrov'
    """
    words: list[str] = sq.topic.split()
    seen = {w.lower() for w in words}
    added = 0
    for alias in (sq.speaker, *sq.aliases):
        new = [w for w in alias.split() if w.lower() not in seen]
        if not new:
            continue
        words.extend(new)
        seen.update(w.lower() for w in new)
        added += 1
        if added >= max_aliases:
            break
    return " ".join(words)


# --------------------------------------------------------------------------------------------- statements


def statement_score(text: str, aliases: Sequence[str]) -> float:
    """How much ``text`` reads as one of ``aliases`` speaking, in [0, 1].

    About 1.0 for a quotation attributed to an alias, 0.85 for an alias as the subject of a speech verb,
    0.8 for "according to" an alias, 0.7 for a pronoun continuing such a statement, 0.45 for an alias inside
    the subject ("the ambassador to the UN said"), 0.3 for an alias in a sentence where someone else speaks,
    0.15 for a mere mention, and 0 without any. Each further statement in the passage adds 0.05.

    Example:
        >>> aliases = ("Russia", "Kremlin", "Peskov")
        >>> statement_score('"We are ready to help," Kremlin spokesman Dmitry Peskov told reporters.', aliases)
        1.0
        >>> statement_score("Iran's foreign minister flew to Russia on Monday.", aliases)
        0.15
    """
    found = attribute(text, aliases)
    if not found:
        return 0.0
    statements = sum(f.score >= STATEMENT_THRESHOLD for f in found)
    return round(min(1.0, max(f.score for f in found) + 0.05 * max(0, statements - 1)), 4)


def extract_statements(text: str, aliases: Sequence[str]) -> list[Statement]:
    """The sentences of ``text`` in which one of ``aliases`` says something, in text order.

    Example:
        >>> text = ("Russia's foreign ministry condemned the strikes. In a statement, the ministry said they broke "
        ...         "international law. Oil prices rose.")
        >>> [(s.speaker_mention, s.start, s.end) for s in extract_statements(text, ["Russia", "Kremlin"])]
        [("Russia's foreign ministry", 0, 48), ("Russia's foreign ministry", 49, 112)]
    """
    return [
        Statement(speaker_mention=f.mention or "", text=text[f.start : f.end], start=f.start, end=f.end, score=f.score)
        for f in attribute(text, aliases)
        if f.score >= STATEMENT_THRESHOLD
    ]


def statements_from_hits(
    hits: Sequence[Hit], aliases: Sequence[str], min_score: float = STATEMENT_THRESHOLD
) -> list[DatedStatement]:
    """The statements in retrieved passages, oldest first, each once (overlapping chunks repeat sentences).

    Args:
        hits: passages from retrieval, e.g. for :func:`speaker_search_text`.
        aliases: the speaker's names, e.g. ``SpeakerQuery.aliases``.
        min_score: the lowest sentence score kept.

    Returns:
        Statements with their article, date and source; offsets point into the article text.

    Example:
        >>> hit = Hit(rank=1, chunk_id="a:0", article=ArticleRef(article_id="a"), text="Peskov said talks were over.",
        ...           start=100, end=128, score=1.0)
        >>> [(s.speaker_mention, s.start, s.article.date) for s in statements_from_hits([hit], ["Peskov"])]
        [('Peskov', 100, 'undated')]
    """
    chosen: dict[tuple[str, str], DatedStatement] = {}
    for hit in hits:
        for st in extract_statements(hit.text, aliases):
            if st.score < min_score:
                continue
            key = (hit.article_id, " ".join(st.text.split()))
            if key in chosen and chosen[key].score >= st.score:
                continue
            chosen[key] = DatedStatement(
                speaker_mention=st.speaker_mention,
                text=st.text,
                score=st.score,
                article=hit.article,
                chunk_id=hit.chunk_id,
                start=hit.start + st.start,
                end=hit.start + st.end,
            )
    undated = datetime.max.replace(tzinfo=None)
    return sorted(
        chosen.values(),
        key=lambda s: (
            s.article.published_at is None,
            s.article.published_at.replace(tzinfo=None) if s.article.published_at else undated,
            s.article_id,
            s.start,
        ),
    )
