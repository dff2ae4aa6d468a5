"""Checking an answer sentence by sentence against the passages it cites.

A sentence is *supported* when one sentence of a cited source (or its headline) is close to it in meaning
(embedding cosine) and the guards hold: every number and weekday in the claim appears in the source (but for a name
or year the question holds: "Covid-19", "the 1960s"), most of the claim's names appear in the source as words ("US"
is not in "USA Today" or "because"), a sentence about the whole world is not taken for one about a place, the claim
does not negate what the source says (or the reverse) nor give the opposite outcome ("won" for "lost":
:mod:`qa.answering.opposites`), and a superlative it asserts ("the highest price") is one its supporting sentence
states. An opening about the prompt ("According to the news excerpt, …") is
no claim: it is dropped before the sentence is checked or shown. The guards catch what embeddings miss: MiniLM puts
"rose 5%" next to "rose 50%" and "did not agree" next to "agreed". A sentence without a marker gets the source that
supports it, if one does (small models forget markers).

Resemblance is the cheap first filter. What passes it is then tested for meaning: the answer must give the kind of
thing the question asks for (:mod:`qa.answering.answer_type`: a name for "who"), in the role it asks about
(:mod:`qa.answering.roles`: "Johnson could replace Hunt" does not answer "Who could replace Johnson?"; the press
secretary a report credits is not who tested positive; nor did NATO "agree to drop its objections" where Turkey
did), the office its source gives (:mod:`qa.answering.offices`), and a win of this year's, not a past title
(:mod:`qa.answering.winners`); the claim's deed is not what its subject did "a year ago"
(:mod:`qa.answering.tense`), nor its count one the sentence gives otherwise (:mod:`qa.answering.figures`); what
it adds to the question, and the deed and place it takes from the question, are the passage's
(:mod:`qa.answering.stated`: a question may be wrong, "Why did Musk complete his purchase of Twitter?"); a
possibility ("could replace") is not a fact ("replaced"; a modal counts on the claim's deed, not on another clause's:
:func:`qa.answering.tense.possibility_differs`), a sentence still asking the question's "do what" answers nothing,
the source must name one of the names the question is
about (:mod:`qa.answering.anchors`: a story on the Taliban's holiday does not say which holiday India celebrated),
and the claim with its passage must take up the question (a third of its words, as stems: a sentence copied from a
story about something else matches that story word for word), the passage a fifth of them on its own. When a judge
is given, the model must also agree that the supporting sentence gives the claim as the answer
(:mod:`qa.answering.judge`); it is off by default, since the bundled 0.5B judges poorly and the 1.5B
(``answer.judge_model``) adds seconds to every answer.
"""

from __future__ import annotations

import re

from index.embedding import Embedder
from index.text import (
    QUESTION_WORD,
    Sentence,
    asking_sentence,
    asks,
    content_words,
    markers_in,
    names_only,
    strip_markers,
    word_stems,
)
from qa.answering.anchors import unnamed_subject
from qa.answering.answer_type import asked_back, asks_yes_no, missing_answer_type, new_words, question_words
from qa.answering.claims import answer_sentences
from qa.answering.evidence import Evidence, cosine
from qa.answering.figures import (
    count_of_another_deed,
    count_of_what_is_held,
    fractions_in,
    numbers_in,
    other_count,
    publication_day,
    weekdays_in,
    without_framing,
)
from qa.answering.judge import Judge
from qa.answering.names import (
    NAME,
    NAME_STOP,
    NAME_WORD,
    another_of_its_kind,
    names_in,
    opening_name,
    said_of_the_world,
)
from qa.answering.offices import office_not_given, office_unsupported
from qa.answering.opposites import affirms_what_is_denied, opposite_deed, other_side, reversed_outcome, tells_deed_alike
from qa.answering.roles import given_to_another, reversed_roles
from qa.answering.stated import unnamed_place, unstated_deed, unstated_news, word_parts
from qa.answering.tense import a_year_back, formerly, possibility_differs
from qa.answering.winners import earlier_win, unstated_win
from qa.settings import SupportSettings
from qa.types import AnswerSentence, Span

_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|neither)\b|n't\b", re.IGNORECASE)
_FRAGMENT = re.compile(r"\W*(?:because|due to|as a result of)\b", re.IGNORECASE)
# A name of two or more words (see NAME_WORD).
_FULL_NAME = re.compile(rf"\b{NAME_WORD}(?:\s+{NAME_WORD})+\b")
# A superlative is a claim of its own: "South Carolina has the highest price" is not supported by a sentence on
# South Carolina's cheap gas, however close the two are in words. Each group is what a source may say instead.
_SUPERLATIVES = [frozenset(group.split()) for group in (
    "highest largest biggest greatest top record priciest", "lowest smallest fewest least cheapest",
    "best top greatest finest", "worst", "oldest earliest", "newest youngest latest", "longest", "shortest",
    "hottest warmest", "coldest", "fastest quickest", "slowest", "richest wealthiest", "poorest", "deadliest",
    "tallest", "heaviest", "strongest", "weakest", "busiest", "safest", "most-watched", "best-selling",
)]
# Words a source may say a superlative with that assert none in a claim ("at least 10", "the top prize").
_NOT_SUPERLATIVE = frozenset("top record least latest".split())


# Content words from which an answer that shares none with the question reads as a copy of something else.
_LONG_CLAIM = 6


def check_answer(
    text: str,
    sources: list[Evidence],
    embedder: Embedder,
    settings: SupportSettings | None = None,
    question: str = "",
    judge: Judge | None = None,
) -> list[AnswerSentence]:
    """Check every sentence of ``text`` against the sources it cites.

    Markers naming no source are removed. A sentence whose markers are missing or point at sources that do not
    support it is re-cited to a shown source that does, when one does (``repaired``); otherwise it is unsupported.
    A sentence that adds nothing to ``question`` (an echo: "KFC rolled out the new menu" for "Which menu item did KFC
    roll out?"; see :func:`qa.answering.answer_type.new_words`) is unsupported however well a source matches it,
    since it answers nothing; so is one that
    does not give the kind of thing the question asks for (no sentence names anyone for "who"). With a ``judge``,
    a sentence that resemblance supports is kept only when the judge agrees its supporting sentence states it.

    Returns:
        One AnswerSentence per sentence with content, in order.
    """
    settings = settings or SupportSettings()
    by_marker = {source.marker: source for source in sources}
    sentences = [s for s in answer_sentences(text) if content_words(strip_markers(s))]
    if not sentences:
        return []
    claims = [strip_markers(s) for s in sentences]
    asked = word_stems(question)  # stems: "used" takes up "What weapon did he use?"
    context = " ".join(c.text for source in sources for c in _candidates(source))
    kinds = [missing_answer_type(question, claim, context) for claim in claims] if question else [None] * len(claims)
    wrong_kind = _answers_nothing(asked, claims, kinds)
    yes_no = asks_yes_no(question)
    candidates = [(source, c) for source in sources for c in _candidates(source)]
    vectors = embedder.embed_documents(claims + [c.text for _, c in candidates])
    claim_vectors, candidate_vectors = vectors[: len(claims)], vectors[len(claims):]
    checked = []
    for sentence, claim, claim_vector in zip(sentences, claims, claim_vectors, strict=True):
        cited = [n for n in markers_in(sentence) if n in by_marker]
        # Asked whether something is so, the answer is the question restated, affirmed or denied, and no echo.
        if asked and not yes_no and not new_words(question, claim) and numbers_in(claim) <= numbers_in(question):
            echo = "it only restates the question"
        else:
            echo = f"it repeats what the question asks (“{again}”)" if (again := asked_back(question, claim)) else None
        if echo:
            checked.append(AnswerSentence(text=_with_markers(claim, sentence, cited), markers=cited, supported=False,
                                          reason=echo))
            continue
        wrong_roles = (wrong_kind or reversed_roles(question, claim) or office_not_given(question, claim)
                       or affirms_what_is_denied(question, claim))
        if wrong_roles:
            checked.append(AnswerSentence(
                text=_with_markers(claim, sentence, cited), markers=cited, supported=False, reason=wrong_roles,
            ))
            continue
        pool = [i for i, (source, _) in enumerate(candidates) if source.marker in cited]
        best, score, reason = _best_support(claim, claim_vector, pool, candidates, candidate_vectors, settings,
                                            question)
        if reason is None and judge is not None:
            reason = _judged(judge, question, claim, candidates[best])
        if reason is not None:
            # Small models forget markers or mis-number them: a claim that another shown source supports is
            # re-cited to that source (and marked repaired), since the reader is then pointed at real support.
            others = [i for i, (source, _) in enumerate(candidates) if source.marker not in cited]
            other, other_score, other_reason = _best_support(
                claim, claim_vector, others, candidates, candidate_vectors, settings, question
            )
            if other is not None and other_reason is None and judge is not None:
                other_reason = _judged(judge, question, claim, candidates[other])
            if other is not None and other_reason is None:
                source, candidate = candidates[other]
                checked.append(AnswerSentence(
                    text=_with_markers(claim, sentence, [source.marker]), markers=[source.marker], supported=True,
                    score=other_score, support=_span(candidate), repaired=True,
                ))
                continue
            if not cited:
                reason = f"no citation, and no passage supports it ({other_reason})"
        checked.append(AnswerSentence(
            text=_with_markers(claim, sentence, cited), markers=cited, supported=reason is None, score=score,
            support=_span(candidates[best][1]) if best is not None and reason is None else None, reason=reason,
        ))
    # What is shown is only the supported sentences, so they must answer on their own: a sentence that takes up the
    # question and is rejected must not leave behind a companion that matches its source but answers nothing.
    kept = [i for i, sentence in enumerate(checked) if sentence.supported]
    left_nothing = _answers_nothing(asked, [claims[i] for i in kept], [kinds[i] for i in kept]) if kept else None
    if left_nothing:
        checked = [s.model_copy(update={"supported": False, "support": None, "reason": left_nothing}) if s.supported
                   else s for s in checked]
    return checked


def _answers_nothing(asked: set[str], claims: list[str], kinds: list[str | None]) -> str | None:
    """Why these sentences, taken as the answer, answer nothing; None when they may answer. ``asked`` is the
    question's word stems."""
    if asked and len(content_words(claims[0])) >= _LONG_CLAIM and not any(asked & word_stems(c) for c in claims):
        # A long sentence copied from a source about something else ("The passage states: There's a big shift
        # happening right now …" for a question on woodland creatures) matches that source word for word and still
        # answers nothing. A short one may answer in other words ("Deliveries start in 2026" for "When will they
        # get the jets?"), so only long answers are held to taking up the question.
        return "it does not take up the question: none of the question's words is in the answer"
    # The answer as a whole must give what is asked (a name for "who"); its other sentences may add context.
    return kinds[0] if kinds and all(kinds) else None


def _judged(judge: Judge, question: str, claim: str, candidate: tuple[Evidence, Sentence]) -> str | None:
    """Why the judge rejects the claim's support (None when it accepts): it reads the supporting sentence with
    the one before it, where "he" or "the company" is named."""
    source, sentence = candidate
    return judge.rejects(question, claim, source.lead_in(sentence))


def _span(sentence: Sentence) -> Span | None:
    # The headline has no offsets in the article text, so it gives no span.
    return Span(start=sentence.start, end=sentence.end, text=sentence.text) if sentence.end > sentence.start else None


def _candidates(source: Evidence) -> list[Sentence]:
    # What the model saw of the source: its shown sentences and its headline (offsets -1: not article text). A
    # sentence that asks ("Who will replace him?", a quiz's question) states nothing, so it supports nothing; nor
    # does an item of a list ("Britain's former Chancellor Rishi Sunak." for "Rishi Sunak replaced Boris Johnson").
    title = source.hit.article.title
    headline = [Sentence(title, -1, -1)] if title else []
    body = [s for s in source.sentences if not names_only(s.text)]
    return [s for s in [*body, *headline] if not asks(s.text)]


def _best_support(
    claim: str, claim_vector: list[float], pool: list[int], candidates: list[tuple[Evidence, Sentence]],
    vectors: list[list[float]], settings: SupportSettings, question: str = "",
) -> tuple[int | None, float, str | None]:
    """The best candidate for the claim, its cosine, and why it does not support the claim (None if it does)."""
    if not pool:
        return None, 0.0, "it cites no passage that was shown"
    by_similarity = sorted(pool, key=lambda i: -cosine(claim_vector, vectors[i]))
    # Article sentences first: they give the reader a span to check; the headline is the fallback.
    body = [i for i in by_similarity if candidates[i][1].end > candidates[i][1].start]
    ranked = body[:3] + [i for i in by_similarity if i not in body]
    words = word_parts(claim)
    first_reason: str | None = None
    for i in ranked:  # the guards may reject the closest sentence while another one holds
        source, candidate = candidates[i]
        score = cosine(claim_vector, vectors[i])
        share = len(words & word_parts(candidate.text)) / len(words) if words else 0.0
        if score < settings.min_similarity and not (
            score >= settings.min_similarity_with_words and share >= settings.min_word_share
        ):
            reason = f"closest passage sentence is too different (similarity {score:.2f})"
        elif share < settings.min_sentence_word_share:
            # Similar in meaning but about something else: "X won the trophy" next to "X was a finalist".
            reason = f"the passage sentence shares too few of its words ({share:.0%})"
        else:
            window = _window(source, candidate)
            reason = (_guard(claim, candidate.text, window, source.lead_in(candidate), settings, question)
                      or given_to_another(question, claim, candidate.text, [s.text for s in _around(source, candidate)])
                      or unstated_news(claim, window, question)
                      or unstated_deed(question, claim, window, source.block)
                      or unnamed_place(question, claim, source.block)
                      or earlier_win(question, claim, candidate.text, source.hit.article.published_at)
                      or publication_day(claim, window, source.hit.article.published_at)
                      or office_unsupported(question, claim, candidate.text)
                      or unnamed_subject(question, " ".join([source.header, *(s.text for s in source.candidates)]))
                      or _off_question(question, claim, source, candidate, settings))
        if reason is None:
            return i, score, None
        first_reason = first_reason or reason
    return by_similarity[0], cosine(claim_vector, vectors[by_similarity[0]]), first_reason


def _off_question(question: str, claim: str, source: Evidence, candidate: Sentence, settings: SupportSettings
                  ) -> str | None:
    """Why the claim and the passage it rests on are about something else than ``question``: together they hold
    less than ``settings.min_question_share`` of its content words, or the passage alone less than
    ``settings.min_passage_question_share``. None when they take it up, or when there is no question.

    A sentence copied from the wrong story matches its source word for word ("Jennifer Lopez and Ben Affleck are
    officially husband and wife" for "Which popular singer will launch a Las Vegas residency?"); what gives it away
    is that neither it nor the source's text around it and headline speak of a singer, a residency or a launch. The
    claim's own words count too: a terse right answer ("The measure is the Inflation Reduction Act") may rest on a
    passage that words the event otherwise. But not alone: a claim that restates the question and ends on a clause
    of another story ("The strawberry moniker means … the social media giant's pivot to the metaverse") holds the
    question's words itself, so the passage must hold a few of them too.
    """
    asked = word_stems(question)  # stems: the passage says "the Senate" where the question says "senators"
    if not asked:
        return None
    title = source.hit.article.title or ""
    passage = word_stems(_window(source, candidate)) | word_stems(title)
    own = len(asked & passage) / len(asked)
    if own < settings.min_passage_question_share:
        return f"its passage holds too few of the question's words ({own:.0%}): it is about something else"
    share = len(asked & (word_stems(claim) | passage)) / len(asked)
    if share >= settings.min_question_share:
        return None
    return f"it and its passage take up too few of the question's words ({share:.0%}): they are about something else"


def _guard(
    claim: str, sentence: str, source_text: str, lead_in: str, settings: SupportSettings, question: str = ""
) -> str | None:
    """Why the claim is not what the source says, by numbers, weekdays, names, negation and opposites; None when they
    agree.

    ``source_text`` is the supporting sentence with its neighbours and the source's header; ``lead_in`` is the
    supporting sentence and the one before it (where "he" or "the company" is named). A name with a number, or a
    year, that the question holds is not the claim's news, so the source need not repeat it ("Covid-19" where it
    says "COVID").
    """
    missing = sorted(numbers_in(without_framing(claim, question)) - numbers_in(source_text)) + sorted(
        weekdays_in(claim) - weekdays_in(question) - weekdays_in(source_text)) + sorted(
        fractions_in(claim) - fractions_in(question) - fractions_in(source_text))
    if missing:
        return f"the passage does not mention {', '.join(missing)}"
    # A person or organisation named in full ("Victor Hedman") must be named where the support is: a sentence about
    # Auston Matthews does not support a claim about Victor Hedman, even when Hedman is named one sentence later.
    for full_name in _FULL_NAME.findall(claim):
        last = full_name.split()[-1]
        if last not in NAME_STOP and not names_in(lead_in, last):
            return f"the passage does not name {full_name} where it says this"
        if other := another_of_its_kind(full_name, sentence):  # "French Open" is not the British Open
            return f"the passage names {other}, not {full_name}"
    names = {n for n in NAME.findall(claim) if n not in NAME_STOP}
    if opening := opening_name(strip_markers(claim), question_words(question), source_text):
        names.add(opening)
    if names:
        absent = sorted(n for n in names if not names_in(source_text, n))
        if 1 - len(absent) / len(names) < settings.min_name_share:
            return f"the passage does not name {', '.join(absent)}"
    # A claim that says "worldwide" too must still name only what the sentence names: "The US has 26,800 cases
    # worldwide" gives a world figure as the US's.
    if elsewhere := said_of_the_world(sentence, claim, even_if_worldwide=True):
        return f"the passage says this of the whole world, not of {', '.join(elsewhere)}"
    # A bare "Because …" asserts the question's premise with it: "Because she was wrongfully detained", for "Why did
    # Griner plead not guilty?", rests on "Griner pleaded guilty …, but … she is wrongfully detained".
    said = f"{asking_sentence(question)} {claim}" if _FRAGMENT.match(claim) else claim
    if bool(_NEGATION.search(said)) != bool(_NEGATION.search(sentence)) and not (
            said == claim and tells_deed_alike(claim, sentence)):  # a "no" elsewhere is not the deed's
        return "one of the claim and the passage negates what the other says"
    if outcome := (opposite_deed(claim, sentence) or reversed_outcome(claim, sentence)
                   or unstated_win(claim, sentence, question)
                   or other_side(claim, lead_in) or other_count(question, claim, sentence)
                   or count_of_another_deed(question, claim, source_text)
                   or (numbers_in(claim) and count_of_what_is_held(question, sentence))
                   or a_year_back(claim, sentence)):
        return outcome
    if formerly(question, sentence):  # "while he was with the Houston Texans" for which team he plays for
        return "the passage tells only what was, and the question asks what is"
    unstated = _unstated_superlative(claim, sentence, question)
    if unstated:
        return f"the passage sentence does not say {unstated}"
    # What may happen is not what happened: "Hunt could replace Johnson" is not "Hunt replaced Johnson", and a
    # passage's "Petro could win" does not support "Petro won".
    return possibility_differs(claim, sentence)


def _unstated_superlative(claim: str, sentence: str, question: str = "") -> str | None:
    """A superlative of ``claim`` ("highest") that ``sentence`` states in no form of its group; None if none.

    One the question sets its scene with, before it asks ("This week the world's richest man, Elon Musk, denied an
    affair with whom?"), is not the claim's news, and its source need not repeat it; one in what is asked ("Which
    state has the highest price?") is.
    """
    said = {w.lower() for w in re.findall(r"[\w\-]+", sentence)}
    asking = QUESTION_WORD.search(question)
    scene = {w.lower() for w in re.findall(r"[\w\-]+", question[: asking.start()])} if asking else set()
    for word in re.findall(r"[\w\-]+", claim.lower()):
        if word in scene or word in _NOT_SUPERLATIVE:
            continue
        groups = [group for group in _SUPERLATIVES if word in group]
        if groups and not any(group & said for group in groups):
            return f"“{word}”"
    return None


def _window(source: Evidence, candidate: Sentence) -> str:
    """The source's header and the shown sentences around ``candidate``: what a claim citing it may rest on."""
    return " ".join([source.header, *(s.text for s in _around(source, candidate))])


def _around(source: Evidence, candidate: Sentence) -> list[Sentence]:
    """``candidate`` and the shown sentences on either side of it, in order (the first shown one for the headline)."""
    shown = source.sentences
    if candidate not in shown:  # the headline
        return shown[:1]
    at = shown.index(candidate)
    return shown[max(0, at - 1): at + 2]


def _with_markers(claim: str, original: str, markers: list[int]) -> str:
    """The sentence with its markers before the final punctuation: "Prices rose [1]."."""
    if not markers:
        return original.strip()
    tags = "".join(f"[{n}]" for n in markers)
    body = claim.rstrip()
    if body and body[-1] in ".!?":
        return f"{body[:-1]} {tags}{body[-1]}"
    return f"{body} {tags}"
