"""Which retrieved sentences are about a timeline's topic, and which one states each article's news on it.

A wide retrieval always returns passages, on the topic or not (dense search has no floor), so every article on a
timeline must earn its place by one of its own sentences. A sentence is about the topic when its meaning is close
to the topic (MiniLM cosine) by an amount that depends on how many of the topic's words it holds: close enough on
meaning alone, or less close when it names the topic. It is never about "US strikes" when it names other strikes
("the Israeli strikes"), the qualifier rule of :mod:`qa.speakers.topics`.

Of an article's sentences about the topic, its key sentence is the one that best states what is new: the most
relevant, with a preference for the article's opening sentence (news states the event first) and a penalty for saying
what an earlier entry of the timeline already said. An article whose only news on the topic repeats an earlier
entry word for word is a copy of that story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.embedding import Embedder
from index.furniture import (
    CONTRIBUTED,
    CONTRIBUTING,
    FURNITURE,
    FURNITURE_LINE,
    SIGN_UP,
    SIGN_UP_OBJECT,
    UPDATED,
    VIDEO,
)
from index.text import Sentence, asks, content_words, split_sentences
from qa.answering.evidence import cosine, looks_like_instructions
from qa.speakers.lexicon import HEAD_SYNONYMS
from qa.speakers.topics import Topic, match_topic, parse_topic, stem
from qa.types import Hit

# MiniLM cosine of sentence and topic needed, by what the sentence (and around it: the two sentences before it in its
# passage, the headline) names of the topic: its common words ("ceasefire", the head) and its names ("Israel").
# Measured on two archives: 1,212 Reuters-21578 articles (the 612 labelled cocoa, coffee, sugar, gold, copper or
# rubber, and 600 others) with ten commodity topics, and the 26 fixture, speaker-topic and sample articles with twelve
# topics labelled by hand. Reuters, 90 passages read per topic: 459 of the 470 articles kept carry the topic's label
# (several of the 11 others are on it on reading; one threshold of 0.35 for any naming kept twice as many
# unlabelled), and 105 labelled articles read are left out, mostly on the commodity but not the topic ("copper
# prices": a copper mine fire). Hand-labelled: all 33 on-topic articles kept, and 2 others.
MIN_ALL_NAMED = 0.2  # the sentence names every word of a topic of two or more ("ceasefire between Israel and Iran")
MIN_NAMING = 0.25  # it names a common word, and around it every word is named ("Peru has found gold": 0.30)
MIN_HEAD_NAMED = 0.35  # it names a common word of a topic with names, not all of them around ("Peskov welcomed the
# ceasefire": 0.41)
MIN_AROUND = 0.45  # it names some of the topic (the Nairobi coffee auction's "prices" for "cocoa prices": 0.48)
MIN_QUALIFIER = 0.45  # it names only whose ("Pelosi met Taiwan's president" for "Pelosi's visit to Taiwan": 0.81)
MIN_UNNAMED = 0.55  # it names nothing (qa.speakers.answer.MIN_UNNAMED)
# Names make MiniLM call "Israel struck sites across Iran" close (0.63) to "ceasefire between Israel and Iran": a
# sentence with no common word of the topic around it must also be close to those words alone (0.24 there;
# "The truce held" 0.54, "the guns fell silent" 0.37).
MIN_HEAD_MEANING = 0.4
# Passages less close to the topic than this (chunk cosine) hold no sentence that is on it without naming it, so
# their unnamed sentences are not embedded: the embedding is most of a timeline's time.
MIN_PASSAGE = 0.35
# Sentences of an article judged by meaning (those naming most of the topic, and its opening sentence): MiniLM is
# nearly all of a timeline's time, and on the two sets above three per article keep as many articles as embedding
# every sentence does but three of Reuters', embedding half as many sentences.
MEANING_PER_ARTICLE = 3
LEXICAL_WEIGHT = 0.3  # the relevance score adds this times the share of topic words, as evidence selection does
# The opening sentence of an article states its news; later ones that name more of the topic are often background
# ("Since prices are below the may-buy level ..." after "The ICCO Council reached agreement on rules to govern its
# buffer stock", 0.94 against 0.78): read on the Reuters "cocoa prices" timeline, a bonus of 0.05 left such leads
# behind; 0.2 lets an on-topic lead win over sentences up to 0.2 more relevant.
LEAD_BONUS = 0.2
# Cosine to an earlier entry above which a sentence is penalised as saying the same thing again: the same story's
# sentences are 0.7-0.85 apart ("Hopes mounted for an agreement on cocoa buffer stock rules" and, a week later, "The
# ICCO Council reached agreement on rules to govern its buffer stock": news), near-paraphrases above.
REPEAT_FROM = 0.85
REPEAT_WEIGHT = 1.0  # the penalty: this times the cosine's excess over REPEAT_FROM
COPY_JACCARD = 0.8  # word-shingle Jaccard that makes two sentences the same text (the retriever's copy threshold)
_TABLE_TOKEN = re.compile(r"\d|^(?:vs|mln|cts|pct|shr|dlrs|net|revs)$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9][\w'’\-]*")


@dataclass(frozen=True)
class TopicWords:
    """What a sentence must name to be about a topic."""

    text: str
    stems: frozenset[str]  # the word families of all its content words
    heads: frozenset[str]  # ... of its common words with their news synonyms ("ceasefire": truce); names excluded
    head_text: str  # the common words, whose meaning a sentence naming none of them must share
    qualifiers: frozenset[str]  # the word families of whose or which ("Pelosi" of "Pelosi's visit to Taiwan")
    parsed: Topic  # phrases and qualifiers, for the "US strikes" vs "Israeli strikes" rule


def topic_words(topic: str) -> TopicWords:
    """The words of ``topic`` a sentence is judged by.

    Example:
        >>> words = topic_words("ceasefire between Israel and Iran")
        >>> len(words.stems), words.head_text, stem("truce") in words.heads, stem("Iran") in words.heads
        (3, 'ceasefire', True, False)
    """
    common = [w.lower() for w in _WORD.findall(topic) if w[:1].islower() and w.lower() in content_words(w)]
    heads = set()
    for word in common:
        heads.add(stem(word))
        for group in HEAD_SYNONYMS:
            if stem(word) in {stem(w) for w in group.split()}:
                heads |= {stem(w) for w in group.split()}
    parsed = parse_topic(topic)
    qualifiers = topic_stems(" ".join(q for phrase in parsed.phrases for q in phrase.qualifiers))
    return TopicWords(text=topic, stems=topic_stems(topic), heads=frozenset(heads), head_text=" ".join(common),
                      qualifiers=qualifiers, parsed=parsed)


@dataclass
class Candidate:
    """A sentence of a retrieved passage that may stand for its article on the timeline."""

    hit: Hit  # the passage it comes from (its chunk, article and date)
    sentence: Sentence  # with offsets in the article text
    context: str  # up to two sentences before it in its passage
    similarity: float = 0.0  # MiniLM cosine to the topic (0 when not embedded: nothing could put it on the topic)
    head_similarity: float = 0.0  # ... to the topic's common words alone
    words: float = 0.0  # share of the topic's words (stemmed) in the sentence
    around: float = 0.0  # ... in the sentence, its context and the headline together
    topic_size: int = 0  # how many words the topic has
    topic_has_names: bool = False
    head_own: bool = False  # the sentence names a common word of the topic (or a synonym), or any word of an all-names
    # topic
    head_near: bool = True  # ... the sentence, its context or the headline does
    qualifier_own: bool = False  # the sentence names whose or which ("Pelosi" of "Pelosi's visit")
    qualified: bool = True  # the topic's qualifiers are all named in the sentence, its context or the headline
    conflict: str | None = None  # another entity qualifying the topic's head: "Israeli" for "US strikes"
    vector: list[float] = field(default_factory=list, repr=False)

    @property
    def relevance(self) -> float:
        """Similarity plus the weighted share of topic words: how strongly the sentence is about the topic."""
        return round(self.similarity + LEXICAL_WEIGHT * self.words, 4)

    @property
    def about(self) -> bool:
        """Whether the sentence is about the topic (see the module docstring and the thresholds above)."""
        if self.conflict is not None or not self.qualified:
            return False
        if self.words == 1 and self.topic_size >= 2:
            return self.similarity >= MIN_ALL_NAMED
        if not self.head_near:
            if self.qualifier_own:
                return self.similarity >= MIN_QUALIFIER
            return self.similarity >= MIN_UNNAMED and self.head_similarity >= MIN_HEAD_MEANING
        if self.head_own and self.around >= 1:
            return self.similarity >= MIN_NAMING
        if self.head_own and self.topic_has_names:
            return self.similarity >= MIN_HEAD_NAMED
        if self.words > 0 or self.around >= 0.5:
            return self.similarity >= MIN_AROUND
        return self.similarity >= MIN_UNNAMED


def as_written(topic: str, hits: Sequence[Hit]) -> str:
    """``topic`` with its first word lower-cased when the passages write it so: a typed "Rent cap" is about rents,
    not a name (capitalised words are names, which must be matched as names).

    Example:
        >>> from index.reference import ArticleRef
        >>> hit = Hit(rank=1, chunk_id="c", article=ArticleRef(article_id="a"), text="The rent cap holds.", start=0,
        ...           end=19, score=1.0)
        >>> as_written("Rent cap", [hit]), as_written("Harbor rent cap", [hit])
        ('rent cap', 'Harbor rent cap')
    """
    first = re.match(r"([A-Z][a-z]+)\b", topic)
    if first is None:
        return topic
    word = first.group(1)
    text = " ".join(h.text for h in hits)
    lower = len(re.findall(rf"\b{word.lower()}\b", text))
    # Mid-sentence only: a sentence's first word is capitalised whatever it is.
    named = len(re.findall(rf"(?<=[a-z,;] ){word}\b", text))
    return word.lower() + topic[len(word) :] if lower > named else topic


def topic_stems(text: str) -> frozenset[str]:
    """The word families of ``text``'s content words, as a sentence must name them.

    Example:
        >>> sorted(topic_stems("The cocoa prices")) == sorted(topic_stems("cocoa price"))
        True
    """
    return frozenset(stem(word) for word in content_words(text))


def is_news_sentence(text: str) -> bool:
    """Whether a sentence can state news on a timeline: not a question, page furniture, a table row or an
    instruction to a model.

    Example:
        >>> is_news_sentence("The council voted 7-2 to cap rents."), is_news_sentence("Will rents fall?")
        (True, False)
        >>> is_news_sentence("Shr 12 cts vs 10 cts Net 1.2 mln vs 1.0 mln"), is_news_sentence("Sign up here.")
        (False, False)
    """
    line = " ".join(text.split())
    words = line.split()
    if len(words) < 3 or not re.search(r"[a-z]", line) or asks(line) or looks_like_instructions(line):
        return False
    if any(p.fullmatch(line) for p in (FURNITURE_LINE, FURNITURE, VIDEO, CONTRIBUTED, CONTRIBUTING, UPDATED)):
        return False
    if SIGN_UP.search(line) and SIGN_UP_OBJECT.search(line):
        return False
    # Results tables ("Shr 12 cts vs 10 cts"): mostly numbers and their units, no sentence to quote.
    return sum(bool(_TABLE_TOKEN.search(w)) for w in words) < 0.5 * len(words)


def candidates(hits: Sequence[Hit]) -> dict[str, list[Candidate]]:
    """The news sentences of each article's retrieved passages, in article order, each once (passages overlap)."""
    by_article: dict[str, dict[int, Candidate]] = {}
    for hit in sorted(hits, key=lambda h: (h.article_id, h.start)):
        seen = by_article.setdefault(hit.article_id, {})
        sentences = split_sentences(hit.text, hit.start)
        for i, sentence in enumerate(sentences):
            if any(c.sentence.start <= sentence.start < c.sentence.end for c in seen.values()):
                continue
            if is_news_sentence(sentence.text):
                context = " ".join(s.text for s in sentences[max(0, i - 2) : i])
                seen[sentence.start] = Candidate(hit=hit, sentence=sentence, context=context)
    return {article: [found[k] for k in sorted(found)] for article, found in by_article.items() if found}


def judge(topic: str, found: dict[str, list[Candidate]], embedder: Embedder) -> None:
    """Score every candidate against ``topic`` in place: topic words and qualifiers for all; the embedding similarity
    for the :data:`MEANING_PER_ARTICLE` of each article that name most of the topic (the rest stay at 0)."""
    words = topic_words(topic)
    pool = []
    for group in found.values():
        named = _most_named(group, words)
        chosen = named[:MEANING_PER_ARTICLE]
        opening = lead(group)
        if opening in named and opening not in chosen:
            chosen.append(opening)  # the article's first sentence competes to be its key sentence
        pool.extend(chosen)
    if not pool:
        return
    query = embedder.embed_query(topic)
    head = embedder.embed_query(words.head_text) if words.head_text and words.head_text != topic.lower() else query
    for candidate, vector in zip(pool, embedder.embed_documents([c.sentence.text for c in pool]), strict=True):
        candidate.vector = vector
        candidate.similarity = round(cosine(query, vector), 4)
        candidate.head_similarity = round(cosine(head, vector), 4) if head is not query else candidate.similarity


def lead(group: Sequence[Candidate]) -> Candidate | None:
    """The article's opening sentence among its candidates (the first of a passage at the article's start), if read."""
    return next((c for c in group if c.hit.start == 0), None)


def _most_named(group: list[Candidate], words: TopicWords) -> list[Candidate]:
    """The article's sentences that may be about the topic, those naming most of it first (then the earliest)."""
    eligible = []
    for candidate in group:
        title = candidate.hit.article.title or ""
        own = topic_stems(candidate.sentence.text)
        near = own | topic_stems(f"{candidate.context} {title}")
        candidate.words = len(words.stems & own) / len(words.stems) if words.stems else 0.0
        candidate.around = len(words.stems & near) / len(words.stems) if words.stems else 0.0
        candidate.topic_size = len(words.stems)
        candidate.topic_has_names = bool(words.stems - words.heads)
        candidate.head_own = bool(words.heads & own) if words.heads else candidate.words > 0
        candidate.head_near = not words.heads or bool(words.heads & near)
        candidate.qualifier_own = bool(words.qualifiers & own)
        match = match_topic(words.parsed, candidate.sentence.text, context=candidate.context, title=title)
        candidate.qualified = match.qualified or not any(p.qualifiers for p in words.parsed.phrases)
        candidate.conflict = match.conflict if (match.head or match.qualifier) else None
        close = (candidate.hit.dense_score or 0.0) >= MIN_PASSAGE
        if candidate.qualified and candidate.conflict is None and (candidate.words > 0 or close):
            eligible.append(candidate)
    return sorted(eligible, key=lambda c: (not c.head_own, not c.qualifier_own, -c.words, c.sentence.start))


@dataclass
class Pick:
    """The key sentence chosen for an article, or the earlier entry it copies."""

    candidate: Candidate | None
    copy_of: str | None = None  # the article id of the entry this article repeats


def pick_key_sentences(ordered: Sequence[str], found: dict[str, list[Candidate]]) -> dict[str, Pick]:
    """For each article in ``ordered`` (oldest first) with a sentence about the topic, its key sentence.

    Earlier picks make later ones avoid repeating them: a sentence that says the same as an earlier key sentence
    (cosine above :data:`REPEAT_FROM`) loses relevance, and one with the same words (:data:`COPY_JACCARD`) is not
    taken; an article left with nothing new is a copy of the entry it repeats.
    """
    chosen: list[tuple[str, Candidate, set[tuple[str, ...]]]] = []
    picks: dict[str, Pick] = {}
    for article in ordered:
        about = [c for c in found.get(article, []) if c.about]
        if not about:
            continue
        opening = lead(found[article])
        best: tuple[float, Candidate] | None = None
        repeats: str | None = None
        for candidate in about:
            words = shingles(candidate.sentence.text)
            twin = next((a for a, _, sh in chosen if jaccard(sh, words) >= COPY_JACCARD), None)
            if twin is not None:
                repeats = repeats or twin
                continue
            echo = max((cosine(candidate.vector, c.vector) for _, c, _ in chosen), default=0.0)
            score = candidate.relevance - REPEAT_WEIGHT * max(0.0, echo - REPEAT_FROM)
            score += LEAD_BONUS if candidate is opening else 0.0
            if best is None or score > best[0]:
                best = (score, candidate)
        if best is None:
            picks[article] = Pick(candidate=None, copy_of=repeats)
            continue
        picks[article] = Pick(candidate=best[1])
        chosen.append((article, best[1], shingles(best[1].sentence.text)))
    return picks


_WORDS = re.compile(r"\w+")


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    """Word 3-grams of ``text``, lower-cased: what copy detection compares."""
    words = _WORDS.findall(text.lower())
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Jaccard similarity of two shingle sets (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0
