"""Speaker questions: "What has Russia said about US strikes?" recognised, and turned into a search.

:func:`parse_speaker_question` recognises a question about what someone said and expands the speaker into the
names news text uses for it (:mod:`qa.speakers.aliases`); :func:`speaker_search_text` builds the retrieval
query that finds passages where those names speak. Which sentences of those passages are statements is
:mod:`qa.speakers.statements`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from qa.speakers.aliases import bundled_aliases, unique_names


class SpeakerQuery(BaseModel):
    """A question asking what a speaker said, with the names that speaker goes by in news text."""

    model_config = ConfigDict(frozen=True)

    speaker: str = Field(description="The speaker as the question names it, e.g. 'Russia' or 'Kremlin'.")
    aliases: tuple[str, ...] = Field(description="Names whose statements count as the speaker's, most common first.")
    topic: str = Field(description="What the statements should be about; empty if the question names nothing.")


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
    table: Mapping[str, Sequence[str]] = bundled_aliases() if aliases is None else aliases
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
        return name, unique_names([name, *(alias for part in parts for alias in _resolve(part, table)[1])])
    by_lower = {key.lower(): key for key in table}
    if (key := by_lower.get(name.lower())) is not None:
        return key, unique_names([key, *table[key]])
    words = name.split()
    # "Russian officials", "the US administration": the country speaks, not only that body.
    stripped = _GENERIC.sub("", name)
    if stripped != name and (key := by_lower.get(stripped.lower())) is not None:
        return name, unique_names([name, *table[key]])
    # "Joe Biden", "President Putin": the surname is the entry.
    if len(words) > 1 and words[-1][:1].isupper() and (key := by_lower.get(words[-1].lower())) is not None:
        return name, unique_names([name, *table[key]])
    # A name inside someone's list ("Peskov") stands for that person only, not the whole country.
    known = {a.lower() for values in table.values() for a in values}
    extra = [words[-1]] if len(words) > 1 and words[-1].lower() in known else []
    return name, unique_names([name, *extra])


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
