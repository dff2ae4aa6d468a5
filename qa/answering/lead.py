"""Extractive first: the source sentence that best answers the question, quoted and cited, before any model text.

A quoted sentence needs no check of what it says (it is the source's own words, with its date and publisher); what
needs checking is that it *answers*. A lead is therefore taken only when it is a statement (not a question, not page
furniture or a caption, not a heading ending in a colon, not an item of a list, not text addressed to a model),
reports rather than previews what the question asks about as done ("Pelosi is expected to visit Taiwan" does not say
where she went) and not a year before its article's ("won the Cup in 2020 and 2021"), and not only what was done when
the question asks what is to come, nor only what will or may be when it asks what is now ("Truss will remain as prime
minister until then") nor only what was ("while he was with the Houston Texans" for which team he plays for), is no
condition ("If Roe v. Wade is overturned, …"), names (with the sentence before it or its headline) what the question
is about ("Italy" for "Who is Italy's prime minister?"), does not tell of another's thing ("Turkey's annual rate of
inflation" for the US rate), tells an outcome when asked who won, answers the last question when the text asks
several (a chat follow-up searched with the question before it), adds something the question does not hold (not an
echo), is not about the whole world when the question names a place ("26,800 cases worldwide" for the US) nor of
another US state, nor of the other side's event (the women's for the men's), nor of a namesake ("Ron Johnson" for
"Ron DeSantis"), gives the kind of thing the question asks for (a name for "who", a time for "when", a place for
"where", a number for "how many") in the part the question asks for (not the question's own party acting on the new
name, not the name of who reported it), holds most of the question's content words (one the question writes as a name
only where it is written as one), its source's headline counting (a sentence about the council's rent vote resembles
"What did the council decide about parking?" but does not answer it), and is close to the question in meaning. With
the re-reading judge on (``answer.judge``), the model also reads the lead with the sentence before it and must find
the answer in the quote itself ("Netflix announced that the wildly popular show is green lit" names no show); the
lead is then streamed as draft text, and kept only if the judge agrees, after the model has written (judging it first
would delay the first words by a re-reading, ~2 s with the 1.5B). Since the judge's reading tells an answer from a
sentence about the same story, a sentence holding only half of the question's words (``answer.judged_lead_share``)
may then lead when none holds most: a quiz question's scene ("After weeks of protests by tenants, …") is often in no
report. When no sentence qualifies there is no lead, and the answer rests on the model's checked synthesis alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.embedding import Embedder
from index.text import Sentence, asking_sentence, asks, content_words, names_only, strip_markers, word_stems
from qa.answering.anchors import namesake, unnamed_subject
from qa.answering.answer_type import CAPITALISED, NAME, bare, is_new, missing_answer_type, question_words
from qa.answering.evidence import Evidence, cosine
from qa.answering.judge import Judge
from qa.answering.names import another_state, said_of_the_world
from qa.answering.offices import office_not_given, office_not_taken
from qa.answering.opposites import affirms_what_is_denied, other_side
from qa.answering.owners import other_owner
from qa.answering.roles import another_actor, only_reports, reversed_roles
from qa.answering.tense import foretells, formerly, previews, recounts, tells_an_earlier_year
from qa.answering.winners import names_no_winner, other_stage, tells_no_outcome
from qa.types import AnswerSentence, Span

# How many of the sentences closest to a refused claim are read for the one that refused it (see credited_lead).
_CLOSEST = 5

# Page furniture that matches questions by its words ("Sign up for our newsletter about the election"), as whole
# words: "Netflix lost 970,000 subscribers" reports, "Subscribe to our newsletter" does not. A caption tells what a
# picture shows, not what happened ("An aerial photo shows a man believed to be … Abe on the stretcher").
_FURNITURE = re.compile(
    r"\b(?:sign up|subscribe|newsletters?|click here|read more|advertisement|follow us|share this|all rights reserved"
    r"|contributed to this report|getty images|(?:photo|picture|image|video|footage)s? (?:shows?|showed|shown))\b"
    r"|\bphoto:",
    re.IGNORECASE,
)
# A link's words on the page: "Watch Mr. Happy Face get crowned "World's Ugliest Dog" here".
_CALL_TO_ACTION = re.compile(r"^(?:watch|read|listen to|see|click|tap)\b.*\b(?:here|below|above)\W*$", re.IGNORECASE)
# A condition states nothing as fact: "If Roe v. Wade is overturned, a maze of state abortion laws await".
_CONDITION = re.compile(r"(?:if|unless)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Lead:
    """The quoted sentence that leads the answer.

    Attributes:
        source: the numbered source it comes from.
        sentence: the sentence with its offsets in the article.
        score: its closeness to the question (cosine plus word overlap).
    """

    source: Evidence
    sentence: Sentence
    score: float

    @property
    def text(self) -> str:
        """The quote as the answer shows it: “…” [n]."""
        return f"“{self.sentence.text.strip()}” [{self.source.marker}]"

    @property
    def passage(self) -> str:
        """The quoted sentence with the one shown before it, as a judge reads it."""
        return self.source.lead_in(self.sentence)

    def checked(self) -> AnswerSentence:
        """The lead as a checked answer sentence: supported by the very span it quotes."""
        s = self.sentence
        return AnswerSentence(text=self.text, markers=[self.source.marker], supported=True, score=self.score,
                              support=Span(start=s.start, end=s.end, text=s.text))


def find_lead(
    question: str,
    sources: list[Evidence],
    embedder: Embedder,
    *,
    min_score: float = 0.6,
    min_word_share: float = 0.6,
    lexical_weight: float = 0.3,
    question_vector: list[float] | None = None,
    fallback_word_share: float | None = None,
) -> Lead | None:
    """The shown sentence that best answers ``question``, or None when none qualifies (see the module docstring).

    Args:
        question: what is asked.
        sources: the numbered sources the model reads.
        embedder: the archive's embedding model.
        min_score: the least cosine + ``lexical_weight`` × word overlap a lead needs.
        min_word_share: the least share of the question's content words the sentence must hold.
        lexical_weight: weight of the share of the question's content words the sentence holds.
        question_vector: the question's embedding, if already computed.
        fallback_word_share: when no sentence holds ``min_word_share``, the least share one needs to lead instead;
            for a lead a judge re-reads before it is kept (careful mode), whose reading, not the question's words,
            then tells an answer from a sentence about the same story.

    Sources are tried in their retrieval order, which weighs time: a sentence of the best-ranked source that qualifies
    leads, even when an older article has a closer one ("Jeremy Hunt replaced Boris Johnson" in 2018 does not answer
    "Who could replace Boris Johnson?" asked in July 2022).
    """
    pool = [(source, s) for source in sources for s in source.sentences if _qualifies(question, source, s)]
    scored = _scored(question, pool, embedder, lexical_weight, question_vector)
    for share in (min_word_share, fallback_word_share):
        if share is not None and (lead := _best(scored, share, min_score)) is not None:
            return lead
    return None


def _qualifies(question: str, source: Evidence, sentence: Sentence) -> bool:
    return _may_lead(question, sentence.text, source) and _names_what_is_asked(question, source, sentence)


def _scored(question: str, pool: list[tuple[Evidence, Sentence]], embedder: Embedder, lexical_weight: float = 0.3,
            question_vector: list[float] | None = None) -> list[tuple[Lead, float]]:
    """Each sentence of ``pool`` as a lead scored by its closeness to ``question``, with its share of the question's
    words (see find_lead)."""
    if not pool:
        return []
    vectors = embedder.embed_documents([s.text for _, s in pool])
    q_vector = question_vector or embedder.embed_query(question)
    asked = content_words(question)
    names = {word.lower() for word in NAME.findall(question)}
    scored = []
    for (source, sentence), vector in zip(pool, vectors, strict=True):
        # The headline names what "he" or "the company" in the sentence stands for.
        overlap = _word_share(asked, names, f"{sentence.text} {source.hit.article.title or ''}")
        score = cosine(q_vector, vector) + lexical_weight * overlap
        scored.append((Lead(source=source, sentence=sentence, score=score), overlap))
    return scored


def _word_share(asked: set[str], names: set[str], text: str) -> float:
    """The share of the question's content words (``asked``) that ``text`` holds. A word the question writes as a
    name (``names``) counts only where ``text`` capitalises it too: "Budd won the GOP nomination …, but Democrats
    argue he's too conservative" holds no word of "the Conservative Party", and once led the answer to who won its
    leadership race."""
    if not asked:
        return 0.0
    capitalised = {word.lower() for word in CAPITALISED.findall(text)}
    held = {word for word in asked & content_words(text) if word not in names or word in capitalised}
    return len(held) / len(asked)


def _best(scored: list[tuple[Lead, float]], min_word_share: float, min_score: float) -> Lead | None:
    """The best-scoring lead of the first source (in retrieval order) that has one qualifying (see find_lead)."""
    best: Lead | None = None
    for lead, overlap in scored:
        if best is not None and best.source is not lead.source:
            break
        if overlap >= min_word_share and lead.score >= min_score and (best is None or lead.score > best.score):
            best = lead
    return best


def judged_lead(question: str, lead: Lead | None, judge: Judge | None) -> Lead | None:
    """``lead``, unless ``judge`` re-reads its passage and finds no answer in the quote (:meth:`Judge.rejects_quote`;
    the yes/no judge does not test quotes)."""
    if lead is None or judge is None or judge.rejects_quote(question, lead.sentence.text, lead.passage) is None:
        return lead
    return None


def credited_lead(question: str, checked: list[AnswerSentence], sources: list[Evidence], embedder: Embedder
                  ) -> Lead | None:
    """A lead from the source that refused the model's answer for naming the wrong one, when nothing else is shown.

    The model often restates the question with the wrong name where its source tells the same deed of the right
    one: "The island nation that plunged into chaos … is Singapore" on "Sri Lanka has plunged into chaos and its
    president has fled to Singapore", or "The official who tested positive … is Karine Jean-Pierre" on "Biden has
    tested positive …, per White House press secretary Karine Jean-Pierre". The check refuses the claim for that
    sentence (:func:`qa.answering.roles.another_actor`, :func:`qa.answering.roles.only_reports`); the sentence tells
    the deed the question asks about of the right one. If it may lead (every test a lead is held to but the share of
    the question's words: a quiz question's scene, "in recent days, prompting its leader to flee", is rarely in the
    report, and the model's claim tied the two), the best-scored sentence of its source that may lead and names one
    of the same new names leads: it, or one naming that one in full ("US President Joe Biden … tested positive").

    Args:
        question: what is asked.
        checked: the model's sentences as the check left them; a lead is sought only when none is supported.
        sources: the numbered sources the model read.
        embedder: the archive's embedding model.

    Returns:
        The lead, or None when no claim was refused that way or no sentence of its source may lead.
    """
    refused = [s for s in checked if s.reason]
    if not refused or any(s.supported for s in checked):
        return None
    pool = [(source, sentence) for source in sources for sentence in source.sentences]
    claims = [strip_markers(s.text) for s in refused]
    vectors = embedder.embed_documents(claims + [sentence.text for _, sentence in pool])
    for claim, refusal, vector in zip(claims, refused, vectors[:len(claims)], strict=True):
        closest = sorted(range(len(pool)), key=lambda i: -cosine(vector, vectors[len(claims) + i]))[:_CLOSEST]
        for source, sentence in (pool[i] for i in closest):
            told = only_reports(question, claim, sentence.text) or another_actor(question, claim, sentence.text)
            if told and told in (refusal.reason or ""):  # the very sentence that refused the claim
                if _qualifies(question, source, sentence):
                    return _naming_alike(question, claim, source, sentence, embedder)
                break
    return None


def _naming_alike(question: str, claim: str, source: Evidence, sentence: Sentence, embedder: Embedder) -> Lead:
    """The best-scored sentence of ``source`` that may lead and names one of the names ``sentence`` adds to the
    question and ``claim`` (``sentence`` itself at least): of the story's sentences, those about the same one."""
    asked = question_words(question) | question_words(claim)
    added = {bare(n) for n in NAME.findall(sentence.text) if is_new(n, asked)}
    alike = [(source, s) for s in source.sentences if s == sentence or (
        added & {bare(n) for n in NAME.findall(s.text)} and _qualifies(question, source, s))]
    return max(_scored(question, alike, embedder), key=lambda scored: scored[0].score)[0]


def _may_lead(question: str, text: str, source: Evidence) -> bool:
    plain = text.strip()
    # A line ending in a colon introduces what follows ("The Latest on the French Open …:"); it states nothing.
    if asks(plain) or plain.endswith(":") or _FURNITURE.search(plain) or _CALL_TO_ACTION.match(plain):
        return False
    if _CONDITION.match(plain):
        return False
    # Tells of another time than the question asks about: what is to come for what was done, or for what is now
    # ("Truss will remain as prime minister until then" for "Who is the UK prime minister?").
    if previews(question, plain) or recounts(question, plain) or foretells(question, plain):
        return False
    if formerly(question, plain):  # "while he was with the Houston Texans" for which team he plays for now
        return False
    if tells_an_earlier_year(question, plain, source.hit.article.published_at):  # a past year's winner
        return False
    if len(content_words(plain) - content_words(question)) < 2:  # an echo of the question, or a fragment
        return False
    if names_only(plain):
        return False
    if not _meets_follow_up(question, plain, source):
        return False
    # The whole world or another state for the place asked about; the other side's event (the women's for the men's).
    if said_of_the_world(plain, question) or another_state(question, plain) or other_side(question, plain):
        return False
    if namesake(question, plain):  # "Ron Johnson is projected to win reelection" for "Did Ron DeSantis win …?"
        return False
    # The tests the check puts the model's sentences to, where a quote can fail them too: a quote the check would
    # reject as the model's words must not lead, or the answer shows it and lists the model's copy as left out
    # ("McCartney last played Glastonbury in 2004, … the Beatles era" for "Who joined Paul McCartney on stage?" has
    # the question's party act on the new name; "Turkey's annual rate of inflation" is not the US inflation rate).
    if reversed_roles(question, plain) or only_reports(question, plain, plain) or other_owner(question, plain):
        return False
    if affirms_what_is_denied(question, plain):  # "… after playing in this year's US Open" for who won't play
        return False
    if office_not_given(question, plain) or office_not_taken(question, plain) or tells_no_outcome(question, plain):
        return False
    if names_no_winner(question, plain):  # "Columbia University, which announced this year's winners"
        return False
    if other_stage(question, plain):  # a second-round win for "Who won the US Open women's final?"
        return False
    return missing_answer_type(question, plain, context=_source_text(source)) is None


def _names_what_is_asked(question: str, source: Evidence, sentence: Sentence) -> bool:
    """Whether the quote, the sentence shown before it or its headline names one of the names ``question`` is about
    (:func:`qa.answering.anchors.unnamed_subject`): a quote is shown alone, and "Truss will remain as prime minister
    until then" does not say who Italy's prime minister is."""
    return unnamed_subject(question, f"{source.header} {source.lead_in(sentence)}") is None


def _meets_follow_up(question: str, text: str, source: Evidence) -> bool:
    """Whether ``text`` (with its headline) holds a word of the last question when ``question`` asks several, as a
    chat follow-up searched with the question before it does ("Who shot Shinzo Abe? What weapon did he use?"): a
    sentence that answers only the earlier one ("Abe has died after being shot") does not answer what was asked
    last. One question, however much scene it sets, is not tested here: its asking sentence is often all generic
    words ("… What is it titled?")."""
    if question.count("?") < 2 or not (wanted := word_stems(asking_sentence(question))):
        return True
    return bool(wanted & word_stems(f"{text} {source.hit.article.title or ''}"))


def _source_text(source: Evidence) -> str:
    """What the source shows and holds: its words tell a name that opens a sentence from an ordinary word."""
    return " ".join([source.hit.text, *(s.text for s in source.sentences)])
