"""What a speaker question is about, and whether a statement is about it: the lexical half of topic filtering.

"What has China said about Pelosi's visit to Taiwan?" asks about a visit, Pelosi's: a statement about Taiwan
alone, or about Wang Yi's visit to the Pacific islands, is China speaking but not about that. :func:`parse_topic`
cuts the topic into phrases, each with

- a **head**, the noun the phrase is about ("visit", "strikes"), matched by its word family and a few news
  synonyms (:data:`qa.speakers.lexicon.HEAD_SYNONYMS`: "strikes" ~ "attack", "bombing"; "visit" ~ "trip");
- **qualifiers**, the names that say whose or which ("Pelosi", "US"), matched by every name of the same entity
  (:func:`qa.speakers.aliases.entity_names`: "US" ~ "American", "Washington");
- the rest after a preposition ("to Taiwan"), which only the embedding sees: it narrows nothing by itself.

:func:`match_topic` reads one statement against a topic. A statement names the topic when its own words (or, for
a quotation or "the ministry said" continuing someone, the sentence before it) hold the head or a qualifier; the
qualifiers must hold in the statement or just before it (the two sentences before, the title), since "condemned
the strikes" is about whichever strikes the article reports; and another entity qualifying the head ("the Israeli
strikes", "strikes by Israel") contradicts a qualifier the statement never names. The embedding half and the
decision are :func:`qa.speakers.answer.topical_statements`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.text import STOPWORDS
from qa.speakers.aliases import entity_names
from qa.speakers.attribution import alias_pattern
from qa.speakers.lexicon import HEAD_SYNONYMS, IRREGULAR_FORMS, SPEECH_VERBS, TOPIC_PREPOSITIONS

_WORD = re.compile(r"[A-Za-z][\w’'.\-]*[\w]|[A-Za-z]")
# Words that carry no topic: "what happened in Bucha", "the latest sanctions".
_EMPTY = STOPWORDS | frozenset(
    "latest recent new current ongoing possible planned proposed so-called alleged reported whether".split()
)


@dataclass(frozen=True)
class TopicPhrase:
    """One noun phrase of a topic: "Pelosi's visit to Taiwan" -> head "visit", qualifiers ("Pelosi",)."""

    head: str | None
    head_is_name: bool
    qualifiers: tuple[str, ...]
    rest: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    """A speaker question's topic, cut into phrases (a statement about any one of them is about the topic)."""

    text: str
    phrases: tuple[TopicPhrase, ...]


@dataclass(frozen=True)
class TopicMatch:
    """How one statement reads against a topic, phrase by phrase the best."""

    head: bool  # the statement (or the sentence introducing it) names the head or a synonym
    qualifier: bool  # ... or one of the phrase's qualifiers
    qualified: bool  # every qualifier is named in the statement or just before it
    conflict: str | None  # another entity qualifying the head instead: "Israeli"


def parse_topic(topic: str) -> Topic:
    """Cut ``topic`` into phrases with their heads and qualifiers.

    Example:
        >>> parse_topic("Pelosi's visit to Taiwan").phrases
        (TopicPhrase(head='visit', head_is_name=False, qualifiers=('Pelosi',), rest=('Taiwan',)),)
        >>> [(p.head, p.qualifiers) for p in parse_topic("the US strikes on Iran and Israel's response").phrases]
        [('strikes', ('US',)), ('response', ('Israel',))]
        >>> parse_topic("Taiwan").phrases[0].head_is_name
        True
    """
    text = " ".join(topic.replace("’", "'").split())
    phrases = []
    for part in re.split(r"\s*(?:,|;|\band\b|\bor\b|\bas\s+well\s+as\b)\s*", text):
        if phrase := _phrase(part):
            phrases.append(phrase)
    return Topic(text=text, phrases=tuple(phrases))


def _phrase(part: str) -> TopicPhrase | None:
    words = re.sub(r"^(?:the|a|an)\s+", "", part, flags=re.IGNORECASE).split()
    cut = next((i for i, w in enumerate(words) if i and w.lower() in TOPIC_PREPOSITIONS), len(words))
    core, rest = words[:cut], words[cut:]
    names = _names(core)
    if rest[:1] and rest[0].lower() in {"by", "from"} and (agent := _names(rest[1:])):
        names.append(agent[0])  # "strikes by Israel": Israel qualifies the strikes as "Israeli strikes" would
    plain = [w for w in _WORD.findall(" ".join(core)) if w[:1].islower() and len(w) > 2 and w.lower() not in _EMPTY]
    rest_words = tuple(w for w in _WORD.findall(" ".join(rest)) if w.lower() not in _EMPTY)
    if plain:
        return TopicPhrase(head=plain[-1].lower(), head_is_name=False, qualifiers=tuple(names), rest=rest_words)
    if names:
        # "Taiwan", "Nord Stream": the name is what the phrase is about.
        return TopicPhrase(head=names[-1], head_is_name=True, qualifiers=tuple(names[:-1]), rest=rest_words)
    return None


def _names(words: list[str]) -> list[str]:
    """Runs of capitalised words, cut at a possessive: "Russia's Wagner group" -> ["Russia", "Wagner"]."""
    names: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        bare = re.sub(r"['’]s?$", "", word)
        if bare[:1].isupper() or (bare[:1].isdigit() and run):
            run.append(bare)
            if bare == word:
                continue
        if run and " ".join(run).lower() not in _EMPTY:
            names.append(" ".join(run))
        run = []
    return names


def stem(word: str) -> str:
    """A crude word family key: "strikes", "strike" and "struck" -> "strik"; "visited" -> "visit".

    Example:
        >>> [stem(w) for w in ["strikes", "strike", "struck", "visited", "visiting", "bombings", "allies"]]
        ['strik', 'strik', 'strik', 'visit', 'visit', 'bomb', 'ally']
    """
    w = re.sub(r"['’]s$", "", word.lower())
    w = IRREGULAR_FORMS.get(w, w)
    for suffix, replace in (("ies", "y"), ("ied", "y"), ("ings", ""), ("ing", ""), ("ed", ""), ("es", ""),
                            ("s", ""), ("e", "")):  # fmt: skip
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith(("ss", "us", "is")):
            w = w[: len(w) - len(suffix)] + replace
            if suffix in {"ing", "ed", "ings"} and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # "stopped" -> "stop", "shipping" -> "ship"
            break
    return w


@lru_cache(maxsize=256)
def _family(head: str) -> frozenset[str]:
    """The stems that count as naming ``head``: its own and its synonyms' ("strikes" -> strik, attack, bomb ...)."""
    own = stem(head)
    family = {own}
    for group in HEAD_SYNONYMS:
        stems = {stem(w) for w in group.split()}
        if own in stems:
            family |= stems
    return frozenset(family)


def _names_of(name: str) -> tuple[str, ...]:
    known = entity_names(name)
    if known is not None:
        return known
    words = name.split()
    # "Nancy Pelosi" is mostly "Pelosi" in running text.
    return (name, words[-1]) if len(words) > 1 and words[-1][:1].isupper() else (name,)


def _mentions(text: str, name: str) -> bool:
    pattern = alias_pattern(_names_of(name))
    return pattern is not None and pattern.search(text) is not None


def match_topic(topic: Topic, statement: str, intro: str = "", context: str = "", title: str = "") -> TopicMatch:
    """Read ``statement`` against ``topic``: whether it names the topic, and whether it contradicts a qualifier.

    Args:
        topic: from :func:`parse_topic`.
        statement: the statement.
        intro: the sentence introducing it, when it is a quotation or continues someone ("He added ...").
        context: the sentences just before the statement in its article, where "the strikes" get their "US".
        title: the article's title, for the same.

    Example:
        >>> topic = parse_topic("US strikes")
        >>> match_topic(topic, "Russia condemned the Israeli strikes on Iran.").conflict
        'Israeli'
        >>> m = match_topic(topic, "Russia condemned the attack.", context="US bombers struck three sites.")
        >>> m.head, m.qualified, m.conflict
        (True, True, None)
    """
    if not topic.phrases:
        # Nothing to name ("What did he say about it?"): the embedding alone decides.
        return TopicMatch(head=False, qualifier=False, qualified=True, conflict=None)
    best = TopicMatch(head=False, qualifier=False, qualified=False, conflict=None)
    unit = f"{intro}\n{statement}"
    stems = {stem(w) for w in _WORD.findall(unit)}
    around = f"{unit}\n{context}\n{title}"
    for phrase in topic.phrases:
        if phrase.head is None:
            continue
        if phrase.head_is_name:
            head = _mentions(unit, phrase.head)
        else:
            head = bool(stems & _family(phrase.head))
        named = any(_mentions(unit, q) for q in phrase.qualifiers)
        qualified = all(_mentions(around, q) for q in phrase.qualifiers)
        conflict = None
        if head and not phrase.head_is_name and phrase.qualifiers:
            # The statement's own words decide which event it means; the introduction only when they name none.
            for text in (statement, intro):
                if any(_mentions(text, q) for q in phrase.qualifiers):
                    break
                if conflict := _other_qualifier(text, phrase):
                    break
                if {stem(w) for w in _WORD.findall(text)} & _family(phrase.head):
                    break
        found = TopicMatch(head=head, qualifier=named, qualified=qualified, conflict=conflict)
        if _rank(found) > _rank(best):
            best = found
    return best


def _rank(m: TopicMatch) -> tuple[bool, bool, bool, bool]:
    return (m.conflict is None and (m.head or m.qualifier), m.qualified, m.head, m.qualifier)


def _other_qualifier(statement: str, phrase: TopicPhrase) -> str | None:
    """A known entity qualifying a mention of the head in ``statement`` that is none of the topic's qualifiers.

    One such mention settles which event the statement means, even beside bare ones: in "after the US raid, the
    ministry called the strikes illegal", "the strikes" are the US raid. The caller asks only when the statement
    does not name the topic's qualifiers themselves.
    """
    assert phrase.head is not None
    family = _family(phrase.head)
    tokens = list(re.finditer(r"[A-Za-z][\w.\-]*[\w]|[A-Za-z]|['’]s\b|[,;:()\"“”]", statement))
    for i, token in enumerate(tokens):
        if stem(token.group(0)) not in family:
            continue
        entity = _modifier_before(tokens, i) or _agent_after(statement, token.end())
        if entity is not None and not any(_same_entity(entity, q) for q in phrase.qualifiers):
            return entity
    return None


def _modifier_before(tokens: list[re.Match[str]], i: int) -> str | None:
    """The known name in the noun phrase before the head: "the Israeli strikes", "Israel's earlier air strikes"."""
    run: list[str] = []
    for token in reversed(tokens[max(0, i - 4) : i]):
        word = token.group(0)
        if word in {"'s", "’s"}:
            continue
        if word[:1].isupper():
            run.insert(0, word + "." if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word) else word)  # "U.S" was "U.S."
            continue
        verb = word.endswith("ed") or (word.endswith("s") and not word.endswith("ss")) or word in SPEECH_VERBS
        if run or not word[:1].isalpha() or word.lower() in STOPWORDS or verb:
            break  # "condemned Israel's strikes", "Russia condemns strikes": a verb or a comma ends the phrase
    return _known_run(run)


def _agent_after(statement: str, end: int) -> str | None:
    """The known name after "by" or "from": "strikes by Israel"."""
    agent = re.match(r"\s+(?:by|from)\s+(?:the\s+)?((?:[A-Z][\w.\-]*\s*)+)", statement[end:])
    if agent is None:
        return None
    # "by Israel." ends the sentence; "by the U.S." keeps its dots.
    return _known_run([w if re.fullmatch(r"(?:[A-Z]\.)+", w) else w.rstrip(".") for w in agent.group(1).split()])


def _known_run(words: list[str]) -> str | None:
    """The longest stretch of ``words`` the alias table knows, nearest the end first; None if none is known.

    "the Israel Defense Forces" is unknown as a whole but "Israel" is not; "Fiji Wang Yi" ends with "Wang Yi".
    """
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size, -1, -1):
            name = " ".join(words[start : start + size])
            if entity_names(name) is not None:
                return name
    return None


def _same_entity(a: str, b: str) -> bool:
    return bool(set(_names_of(a)) & set(_names_of(b)))
