"""Which sentences are a speaker speaking: the pattern rules behind :mod:`qa.speakers.statements`.

A sentence is a statement by a speaker (one of its aliases) when the alias is the subject of a speech verb
("Peskov told reporters", "Russia's foreign ministry on Sunday, 22 June, condemned"), follows an inverted one
('"...," said Peskov'), follows "according to", is the agent of a passive ("was condemned by Moscow"), or when
a pronoun or "the ministry" continues a statement ("He said ..."), or a bare quotation follows one. Mentions
that are not speech ("flew to Moscow", "analysts in Moscow said", "TASS quoted Araghchi as saying") score low.
No model: regular expressions and the word lists of :mod:`qa.speakers.lexicon`, tuned on the sample archive and
on 2022 news. Sentences are cut by :func:`index.text.split_sentences`, with quotations of several sentences kept
whole ('"It is illegal. It must stop," he said.' is one sentence).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from index.text import split_sentences
from qa.speakers.lexicon import (
    ANAPHOR,
    BE,
    CLAUSE_BOUNDARY,
    FUNCTION_WORDS,
    GAP_OK,
    INVERTED_VERBS,
    NEGATION,
    NOT_TITLES,
    OPENERS,
    OTHER_VERBS,
    REPORTING_VERBS,
    ROLE_ALT,
    ROLES,
    SPEECH_VERB_RE,
    SPEECH_VERBS,
    TOKEN,
    WEAK_PREPS,
    WEEKDAYS_MONTHS,
)

STATEMENT_THRESHOLD = 0.5  # sentences scoring at least this are statements


class Attribution(BaseModel):
    """A sentence that mentions a speaker, and how clearly the speaker speaks in it."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(description="Char offset of the sentence in the text.")
    end: int = Field(description="Char offset just past the sentence.")
    score: float = Field(description="How clearly the speaker speaks here, in [0, 1]; statements score >= 0.5.")
    mention: str | None = Field(description="Who speaks (or is mentioned), as the text names them.")


@lru_cache(maxsize=256)
def alias_pattern(aliases: tuple[str, ...]) -> re.Pattern[str] | None:
    """A regex finding any of ``aliases`` as whole words; capitals must match capitals ("US" is not "us").

    Example:
        >>> [m.group(0) for m in alias_pattern(("US", "Kremlin")).finditer("The US and the Kremlin; tell us.")]
        ['US', 'Kremlin']
    """
    parts = []
    for alias in sorted({a.strip() for a in aliases if a.strip()}, key=len, reverse=True):
        # Capitals must match capitals ("US" is not "us"); lowercase letters match either case.
        chars = []
        for ch in alias:
            if ch in "'’":
                chars.append("['’]")
            elif ch.islower() and ch.upper() != ch:
                chars.append(f"[{re.escape(ch)}{re.escape(ch.upper())}]")
            elif ch.isspace():
                chars.append(r"\s+")
            else:
                chars.append(re.escape(ch))
        parts.append("".join(chars))
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])") if parts else None


def _quote_spans(s: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"“[^”]*”?|\"[^\"]*\"?", s)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(b < pos < e for b, e in spans)


def attribute(text: str, aliases: Sequence[str]) -> list[Attribution]:
    """Score every sentence of ``text`` that mentions one of ``aliases`` or continues a statement by one.

    Example:
        >>> [(a.score, a.mention) for a in attribute("Peskov told reporters talks were over. He left.", ["Peskov"])]
        [(0.85, 'Peskov')]
    """
    pattern = alias_pattern(tuple(aliases))
    if pattern is None:
        return []
    found: list[Attribution] = []
    chain: str | None = None  # who a following "he" or "the ministry" most likely is
    context = ""  # the sentence that set the chain: "the ministry" must have been named there
    spoke = False  # whether the previous sentence was a statement, which a bare quotation may continue
    for sentence in split_sentences(text, keep_quotations=True):
        start, end, s = sentence.start, sentence.end, sentence.text
        quotes = _quote_spans(s)
        score, mention = _sentence_score(s, pattern, quotes)
        if score < STATEMENT_THRESHOLD and chain is not None and _continues(s, quotes, spoke, context):
            score, mention = 0.7, chain
        spoke = score >= STATEMENT_THRESHOLD
        if score > 0:
            found.append(Attribution(start=start, end=end, score=score, mention=mention))
        head = _leading_np(s)
        lead = next((m for m in pattern.finditer(s) if head[0] <= m.start() < head[1]), None)
        if spoke:
            chain, context = mention, s
        elif _speech_verbs(s, quotes):
            chain = None  # someone else spoke: a following "he" is more likely them
        elif lead is not None:
            chain, context = _mention(s, lead.start(), lead.end()), s
        elif not re.match(r"(?:He|She|It|They|His|Her|Its|Their|The\s+\w+)\b", s[head[0] :]):
            chain = None
    return found


def _sentence_score(s: str, pattern: re.Pattern[str], quotes: list[tuple[int, int]]) -> tuple[float, str | None]:
    hits = [m for m in pattern.finditer(s) if not _inside(m.start(), quotes) and _names_speaker(s, m)]
    if not hits:
        return 0.0, None
    best: tuple[float, str | None] = (0.15, _mention(s, hits[0].start(), hits[0].end()))
    quoted = any(len(s[b:e].split()) >= 3 for b, e in quotes)

    def consider(score: float, m: re.Match[str]) -> None:
        nonlocal best
        if score >= 0.85 and quoted:
            score = 1.0
        if score > best[0]:
            best = (score, _mention(s, m.start(), m.end()))

    for verb in _speech_verbs(s, quotes):
        word = verb.group(0)
        before = TOKEN.findall(s[: verb.start()])
        after = s[verb.end() :]
        if best[0] < 0.3:
            best = (0.3, best[1])  # someone speaks in a sentence naming the speaker
        # "was condemned", "was heavily criticised": a passive, whose subject is not the speaker.
        aux = [t for t in before[-3:] if not t.lower().endswith("ly")][-1:]
        passive = bool(aux) and aux[0].lower() in BE and word.endswith("ed")
        # "was condemned by the Kremlin" reports the Kremlin's words; "the ceasefire announced by Trump" less so.
        if agent := re.match(r"\s+by\b", after):
            for m in _run_aliases(s, verb.end() + agent.end(), pattern):
                consider(0.85 if passive else 0.6, m)
            continue
        if passive:
            continue  # nobody named speaks
        # '"...," said Peskov.' and '..., said the Kremlin, adding ...': the speaker follows the verb.
        if word in INVERTED_VERBS and re.search(r"[,\"”]\s*$", s[: verb.start()]):
            for m in _run_aliases(s, verb.end(), pattern, closed=True):
                consider(0.85, m)
        if word in {"quoted", "cited"} and (said := re.match(r"((?:\s+\S+){1,6}?)\s+as\s+saying\b", after)):
            for m in _run_aliases(s, verb.end(), pattern, limit=verb.end() + len(said.group(1))):
                consider(0.85, m)
        for m, score in _subjects(s, verb.start(), pattern, quotes):
            if word in REPORTING_VERBS:
                score = min(score, 0.35 if re.match(r"(?:\s+\S+){1,6}?\s+as\s+saying\b", after) else 0.6)
            consider(score, m)
    for cue, score in (
        (r"\baccording\s+to\b", 0.8),
        (r"\b(?:(?:statement|message|post)\s+(?:by|from)|(?:remarks|comments)\s+by)\b", 0.6),
    ):
        for found in re.finditer(cue, s, re.IGNORECASE):
            for m in _run_aliases(s, found.end(), pattern):
                consider(score, m)
    return best


def _speech_verbs(s: str, quotes: list[tuple[int, int]]) -> list[re.Match[str]]:
    """Speech verbs outside quotations, without "did not say", "is saying" only with its auxiliary, no "called off"."""
    verbs = []
    for verb in SPEECH_VERB_RE.finditer(s):
        before = TOKEN.findall(s[: verb.start()])
        if _inside(verb.start(), quotes) or any(
            t.lower() in NEGATION or t.lower().endswith("n't") for t in before[-2:]
        ):
            continue
        if verb.group(0) in {"saying", "telling"} and not (before and before[-1].lower() in BE | {"kept", "as"}):
            continue
        if verb.group(0) == "called" and re.match(r"\s+(?:off|up)\b", s[verb.end() :]):
            continue
        verbs.append(verb)
    return verbs


def _run_aliases(
    s: str, pos: int, pattern: re.Pattern[str], limit: int | None = None, *, closed: bool = False
) -> list[re.Match[str]]:
    """Aliases in the run of names and titles at ``pos`` ("the Kremlin", "Kremlin spokesman Dmitry Peskov").

    With ``closed``, the run must end the clause, as the speaker after an inverted "said" does.
    """
    run = re.match(r"(?:\s+(?:the|a|an|of|[A-Z][\w'’.\-]*|" + ROLE_ALT + r")(?![\w-]))+", s[pos:])
    if run is None or closed and not re.match(r"\s*(?:[.,;:!?\"”)]|$)", s[pos + run.end() :]):
        return []
    end = pos + run.end() if limit is None else min(limit, pos + run.end())
    # The alias must head the phrase: "according to a Trump campaign staffer" is the staffer's word.
    return [m for m in pattern.finditer(s, pos, end) if _names_speaker(s, m) and not _headed_elsewhere(s, m.end())]


def _names_speaker(s: str, m: re.Match[str]) -> bool:
    """False when the alias only starts a longer name: "Washington Post", "US Open", "Moscow State University"."""
    nxt = re.match(r"\s+([A-Z][\w'’\-]*)", s[m.end() :])
    if nxt is None:
        return True
    word = nxt.group(1).lower()
    # "Russian President Vladimir Putin" is fine to skip: "Putin" matches on its own.
    return word in ROLES or word in WEEKDAYS_MONTHS


def _headed_elsewhere(s: str, end: int) -> bool:
    tail = re.match(rf"(?:['’]s)?(?:\s+(?:{ROLE_ALT}|[A-Z][\w'’.\-]*)(?![\w-]))*\s+([a-z][\w\-]*)", s[end:])
    if tail is None:
        return False
    word = tail.group(1)
    # A verb or a function word after the name ends the phrase; a noun ("staffer") is its real head.
    verb_like = word in SPEECH_VERBS or word in OTHER_VERBS or word.endswith(("ed", "ly"))
    return not (verb_like or word in GAP_OK or word in WEAK_PREPS or word in FUNCTION_WORDS)


def _subjects(
    s: str, verb_start: int, pattern: re.Pattern[str], quotes: list[tuple[int, int]]
) -> list[tuple[re.Match[str], float]]:
    """Aliases that are (0.85) or sit inside (0.45) the subject of the speech verb at ``verb_start``."""
    left = s[:verb_start].rstrip()
    named: list[tuple[re.Match[str], float]] = []
    # A comma-enclosed aside right before the verb ("Medvedev, a former president, said") is not the subject,
    # unless it names it ("Russia's envoy, Vassily Nebenzia, said").
    while left.endswith(","):
        cut = left.rfind(",", 0, len(left) - 1)
        if cut < 0:
            break
        if re.fullmatch(r"\s*(?:[A-Z][\w'’.\-]*\s*){1,5}", left[cut + 1 : -1]):
            named += [(m, 0.85) for m in pattern.finditer(s, cut + 1, len(left))]
        left = left[:cut].rstrip()
    if re.search(r"\b(?:and|but)$", left):
        # "Putin met Araghchi and said ...": the verb shares the sentence's subject.
        head = _leading_np(s)
        return [(m, 0.8) for m in pattern.finditer(s, head[0], head[1])]
    cuts = [m.end() for m in CLAUSE_BOUNDARY.finditer(left)] + [e for _, e in quotes if e <= len(left)]
    seg_start = max(cuts, default=0)
    results = []
    for m in pattern.finditer(left, seg_start):
        if _inside(m.start(), quotes) or not _names_speaker(s, m) or not _plain_gap(left[m.end() :]):
            continue
        results.append((m, 0.45 if _after_preposition(left[seg_start : m.start()]) else 0.85))
    return named + results[::-1]  # nearest the verb first: the head of "Kremlin spokesman Dmitry Peskov"


def _plain_gap(gap: str) -> bool:
    """Whether only titles, asides and time phrases separate a subject from its verb."""
    gap = re.sub(r"\([^)]*\)", " ", gap)
    gap = re.sub(r",([^,]*),", lambda m: " " if _aside(m.group(1)) else m.group(0), gap)
    tokens = TOKEN.findall(gap)
    if len(tokens) > 10 or tokens[:1] == ["'s"] and len(tokens) == 1:
        return False
    first = tokens[0] if tokens else ""
    # "The FBI search of Trump's residence … signaled": the residence is the subject, Trump only its owner; "Russia's
    # foreign ministry said" and "Trump's spokesman said" speak for them.
    if first in ("'s", "’s") and len(tokens) > 1 and tokens[1][:1].islower():
        if tokens[1].lower() not in ROLES and tokens[1].lower() not in GAP_OK:
            return False
    # "a Chinese military expert said", "a Putin ally said": the alias only modifies the speaker.
    if first[:1].islower() and first not in ROLES and first not in GAP_OK and first not in {"and", "or"}:
        if not first.endswith("ly"):
            return False
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        prev = tokens[i - 1].lower() if i else ""
        low = token.lower()
        if token == ",":
            # "Russia, China and Iran said" lists speakers; "Russia, a minister told CNN, wants" does not.
            ok = nxt[:1].isupper() and any(t in {"and", "or"} for t in tokens[i:])
        elif low in {"and", "or"}:
            ok = nxt[:1].isupper() or nxt.lower() in {"his", "her", "its", "their"}
        elif low in {"the", "a", "an"}:
            ok = prev in {"on", "in", "at", "of", "to", "for"}
        elif low in {"to", "for"}:
            ok = prev in ROLES
        elif token[:1].isupper() or token[:1].isdigit() or low in GAP_OK or low in ROLES or low.endswith("ly"):
            ok = True
        else:
            ok = not (
                low in WEAK_PREPS
                or low in OTHER_VERBS
                or low in SPEECH_VERBS
                or low.endswith(("ing", "ed"))
                or low.startswith("-")
                # "Russia invades Ukraine ... said": a present-tense verb, not part of a name.
                or (len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "'s", "’s")))
            )
        if not ok:
            return False
    return True


def _aside(text: str) -> bool:
    """Whether a comma-enclosed phrase reads as an aside (", the deputy chairman," / ", who spoke in Minsk,")."""
    words = text.split()
    if not words or len(words) > 14:
        return False
    if words[0].lower() in {"who", "which", "whose", "speaking", "asked", "writing", "citing", "according"}:
        return True
    # ", prices continued to rise," is a clause of its own, not an aside about the speaker.
    return not any(w.endswith("ed") and w[:1].islower() for w in words)


def _after_preposition(before: str) -> bool:
    for token in reversed(TOKEN.findall(before)):
        if token == ",":
            return False
        if token.lower() in {"the", "a", "an"} or token[:1].isupper():
            continue
        return token.lower() in WEAK_PREPS
    return False


def _leading_np(s: str) -> tuple[int, int]:
    """Span of the sentence's first noun phrase, after an opening phrase such as "On 23 June,"."""
    pos = 0
    for _ in range(2):
        first = re.match(r"\s*([\w']+)", s[pos:])
        comma = s.find(",", pos)
        if first and first.group(1).lower() in OPENERS and 0 <= comma - pos < 80:
            pos = comma + 1
    np = re.match(r"\s*(?:(?:[A-Z][\w'’.\-]*|the|of|'s|’s|" + ROLE_ALT + r")(?![\w-])\s*)+", s[pos:])
    return (pos, pos + np.end()) if np else (pos, pos)


def _mention(s: str, start: int, end: int) -> str:
    """The alias at ``start:end`` with the names and titles around it: "Kremlin spokesman Dmitry Peskov"."""
    lead = re.search(rf"(?:(?<![\w'’])(?:[A-Z][\w'’.\-]*|of|{ROLE_ALT})\s+)+$", s[:start])
    if lead is not None:
        words = list(re.finditer(r"\S+", lead.group(0)))
        while words and words[0].group(0).lower().rstrip(".") in NOT_TITLES:
            words.pop(0)
        if words:
            start = lead.start() + words[0].start()
    # "Russia's foreign ministry", "Iran's atomic energy organisation": the possessed noun is the speaker.
    if possessive := re.match(r"['’]s\b", s[end:]):
        end += possessive.end()
        while word := re.match(r"\s+([a-z][\w\-]*)", s[end:]):
            low = word.group(1)
            if low in GAP_OK or low in SPEECH_VERBS or low in WEAK_PREPS or low in OTHER_VERBS or low.endswith("ly"):
                break
            if low in {"and", "or", "the", "a", "an", "that", "who", "which", "whose"}:
                break
            end += word.end()
    while word := re.match(rf"\s+(?:[A-Z][\w'’.\-]*|{ROLE_ALT})(?![\w-])", s[end:]):
        if word.group(0).strip().lower().rstrip(".") in NOT_TITLES:
            break  # "Putin Friday": a date, not part of the name
        end += word.end()
    mention = " ".join(s[start:end].split()).rstrip(",")
    # A full stop ends the sentence, unless it closes an abbreviation such as "U.S.".
    return mention[:-1] if mention.endswith(".") and not re.search(r"\.\w+\.$", mention) else mention


def _drop_asides(left: str) -> str:
    """``left`` without the comma-enclosed asides that end it: "He, speaking in Minsk," -> "He"."""
    while left.endswith(","):
        cut = left.rfind(",", 0, len(left) - 1)
        if cut < 0:
            break
        left = left[:cut].rstrip()
    return left


def _continues(s: str, quotes: list[tuple[int, int]], after_statement: bool, context: str) -> bool:
    """Whether the sentence goes on with the previous speaker: "He said ...", "The ministry added ...", a quote."""
    if after_statement and s[:1] in {'"', "“"} and sum(e - b for b, e in quotes) >= 0.6 * len(s):
        # A bare quotation continues the statement before it; '"...," said the official.' names someone else.
        return not any(not _inside(v.start(), quotes) for v in SPEECH_VERB_RE.finditer(s))
    for verb in _speech_verbs(s, quotes):
        if verb.group(0) in {"saying", "telling"}:
            continue
        left = _drop_asides(s[: verb.start()].rstrip())
        if anaphor := ANAPHOR.search(left + " "):
            # "the ministry" refers back only to a ministry: "the official" is someone new.
            role = anaphor.group("role")
            return role is None or role.split()[-1].lower() in context.lower()
    return False
