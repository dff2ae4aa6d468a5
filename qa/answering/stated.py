"""What a claim asserts must be what its source states: the news it adds to the question, and the premise it takes
from the question.

A claim is mostly the question turned into a statement, with the answer added: "Elon Musk completed his purchase of
Twitter because …" for "Why did Elon Musk complete his purchase of Twitter?". Its new words are tested against the
passage (:func:`unstated_news`). The rest is the question's premise, and a question may be wrong: on 22 July Musk
had called the deal off. The claim then asserts the premise under a citation, and the source it rests on must state
that too: the deed a "why" takes for granted (:func:`unstated_deed`) and the place a claim puts its deed in ("made
landfall in Texas": :func:`unnamed_place`). A source that names the same people and tells another deed ("Musk
called off his deal") supports no such claim.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.text import STOPWORDS, asking_sentence, content_words, stem, strip_markers, word_stems
from qa.answering.answer_type import ASKING, asks_yes_no, new_words
from qa.answering.figures import numbers_in
from qa.answering.grammar import dependent, main_verb, parse, phrase_of, subject_of
from qa.answering.names import names_in

if TYPE_CHECKING:
    from qa.answering.grammar import Token

# Deeds a passage may tell in other words: each group of deeds, and the words that may stand for them. "Hageman beat
# Cheney" rests on "Cheney lost to Hageman", "Jackson replaced Breyer" on "Jackson succeeds Breyer". Kept to words
# that tell the same event from another side; a deed outside every group must be stated in its own word (or its
# noun: "resignation"). A win over someone is not told by a win alone: "Nadal … is looking to win his fourth
# title" does not say whom he beat.
_OVER = "beat defeat lose oust unseat top edge concede"
_KINDRED = [(frozenset(deeds.split()), frozenset(f"{deeds} {others}".split())) for deeds, others in (
    (_OVER, ""),
    ("win victory elect", _OVER),
    ("replace succeed successor predecessor", "seat"),  # "will take the seat occupied by … Breyer"
    ("kill killing die death dead assassinate assassination shoot slay", ""),
)]
# Only "why" and yes/no questions are read for their deeds. A "why" takes the whole deed for granted and asks for its
# cause, so a false premise ("Why did Musk complete his purchase of Twitter?") is answered by restating it; a yes/no
# question asks whether the deed was done, and its answer restates it ("The FBI arrested Donald Trump", on a report
# that agents searched his home). Other questions ask for a part of the deed, and quiz writers word it as the reports
# do not ("Which character did she portray?" of "who played"): read for their deeds, every question refused five
# right answers among the check's tests.
_WHY = re.compile(ASKING + r"why\b", re.IGNORECASE)
# A place a claim puts its deed in: "in Texas", "in the Gulf of Mexico" (its capitalised words).
_IN_PLACE = re.compile(r"\bin\s+(?:the\s+)?((?:[A-Z][\w'’\-]*)(?:\s+(?:of\s+)?[A-Z][\w'’\-]*)*)")
# Verbs too light to be a deed of their own ("Biden is …", "she has …"), verbs of saying, which
# :mod:`qa.answering.roles` reads, and verbs that only wrap the deed ("Musk tried to end his deal").
_LIGHT = frozenset("be have do get make say tell add try want plan seek attempt hope aim begin start continue".split())


def unstated_news(claim: str, source_text: str, question: str) -> str | None:
    """Why ``source_text`` (the supporting sentence with its neighbours and the source's header) does not state what
    ``claim`` adds to ``question``: it holds none of the claim's new words, compared as stems. None when it holds one,
    or the claim adds nothing. "NASA called off the Artemis I launch because of a hydrogen fuel leak" shares NASA,
    the launch and its calling off with "NASA called off the Artemis I launch on Saturday, its second attempt in a
    week", enough of its words to pass, and none of its news. The neighbours count: the answer is often named in the
    sentence next to the one that tells the deed ("… the Gorgosaurus skeleton was found …")."""
    news = new_words(question, claim) if question else set()
    # A number counts however it is written around it: "62" is in "his 62nd home run".
    if not news or news & ({stem(word) for word in word_parts(source_text)} | numbers_in(source_text)):
        return None
    added = (w for w in dict.fromkeys(re.findall(r"[\w'’-]+", strip_markers(claim))) if stem(w.lower()) in news)
    return f"the passage states none of what it adds to the question ({', '.join(added)})"


def unstated_deed(question: str, claim: str, window: str, source_text: str = "") -> str | None:
    """Why the cited source does not state the deed ``claim`` takes from a "why" or yes/no ``question`` (the one takes
    it for granted, the other asks whether it was done): the claim's main verb is one of the question's words, and
    neither ``window`` (the supporting sentence with its neighbours and the header) tells it, in any form or by a word
    of its kind (``_KINDRED``), nor ``source_text`` (all the model was shown of the source) gives it to the claim's
    subject. None when one does, or when the claim's deed is its own news (which :func:`unstated_news` tests) or too
    light to tell. Further from the support only the doer's own deed counts: "Rajapaksa, who fled the country earlier
    this week, …" tells why he fled with the why further on, but "the justices should uphold the law" does not tell that
    the Supreme Court upheld Roe v. Wade.

    Example:
        >>> q = "Why did Twitter hire thousands of new employees after Musk took over?"
        >>> unstated_deed(q, "Twitter hired thousands of new employees after Musk took over for $44 billion [2].",
        ...               "Twitter announced sweeping job cuts after Elon Musk took the helm for $44 billion.")
        'the passage does not say that anyone hired: the question takes it for granted'
        >>> unstated_deed("Why did Harriet Hageman beat Liz Cheney?", "Harriet Hageman beat Liz Cheney because … [1].",
        ...               "Liz Cheney lost to Harriet Hageman.") is None
        True
        >>> q = "Why did Gotabaya Rajapaksa flee Sri Lanka?"
        >>> unstated_deed(q, "Gotabaya Rajapaksa fled because of the crisis [1].", "Many blame him for the crisis.",
        ...               "Gotabaya Rajapaksa, who fled the country, resigned. Many blame him for the crisis.") is None
        True
        >>> unstated_deed("Why did the Supreme Court uphold Roe?", "The Supreme Court upheld Roe because … [1].",
        ...               "It is the most consequential decision.", "The state argued the justices should uphold "
        ...               "the law. It is the most consequential decision.")
        'the passage does not say that anyone upheld: the question takes it for granted'
        >>> unstated_deed("Did the FBI arrest Donald Trump?", "The FBI arrested Donald Trump on Monday [2].",
        ...               "Federal agents on Monday searched former President Donald Trump's home.")
        'the passage does not say that anyone arrested, which the question asks'
    """
    why = bool(_WHY.search(asking_sentence(question)))
    if not why and not asks_yes_no(question):
        return None
    root = main_verb(strip_markers(claim))
    if root is None or root.pos_ != "VERB" or root.lemma_.lower() in _LIGHT:
        return None
    deed = {root.lemma_.lower(), stem(root.lemma_.lower()), stem(root.lower_)}
    if not deed & word_stems(question):
        return None
    kin = deed | {word for deeds, words in _KINDRED if deed & deeds for word in words}
    if any(_tells(token, deed, kin) for token in parse(window)):
        return None
    subject = dependent(root, "nsubj", "nsubjpass")
    doer = {word.lower() for word in phrase_of(subject)[0]}
    for token in parse(source_text) if doer else ():
        if _tells(token, deed, kin) and token.pos_ == "VERB" and doer & {
                word.lower() for word in phrase_of(subject_of(token))[0]}:
            return None
    if why:
        return f"the passage does not say that anyone {root.lower_}: the question takes it for granted"
    return f"the passage does not say that anyone {root.lower_}, which the question asks"


def _tells(token: Token, deed: set[str], kin: set[str]) -> bool:
    """Whether ``token`` tells the deed: its word in any form ("resignation" for "resign"), or a deed or noun of its
    kind (a kindred adjective tells none: "top seed" is no win)."""
    lemma = token.lemma_.lower()
    return bool({lemma, stem(lemma)} & deed) or (lemma in kin and token.pos_ in ("VERB", "NOUN"))


def unnamed_place(question: str, claim: str, source_text: str) -> str | None:
    """Why ``source_text`` (what the model was shown of the cited source) does not put ``claim``'s deed where the
    claim does: a place the claim names after "in" comes from the question, and the source names it nowhere, in any
    form. "Hurricane Ian made landfall in Texas … near Cayo Costa along the southwestern coast of Florida", for "Where
    did Hurricane Ian make landfall in Texas?", rests on a source that names Florida only. None when the source names
    every such place. Only "in": "at the Emmys" is an event, which a source names otherwise ("the Emmy Awards").

    Example:
        >>> unnamed_place("Where did Hurricane Ian make landfall in Texas?",
        ...               "Hurricane Ian made landfall in Texas near Cayo Costa in Florida [1].",
        ...               "Hurricane Ian made landfall near Cayo Costa along the coast of Florida.")
        'the passage does not name Texas: the question takes it for granted'
        >>> unnamed_place("How was Zawahiri killed in Kabul?", "He was killed in Kabul's center [1].",
        ...               "A drone strike in the Afghan capital, Kabul, killed him.") is None
        True
    """
    asked = word_stems(question)
    named = word_stems(source_text)
    for run in _IN_PLACE.findall(strip_markers(claim)):
        for word in run.split():
            if (stem(word) in asked and stem(word) not in named and word.lower() not in STOPWORDS
                    and not names_in(source_text, word)):  # "U.S." for "US"
                return f"the passage does not name {word}: the question takes it for granted"
    return None


def word_parts(text: str) -> set[str]:
    """``text``'s content words, a compound's parts apart: a claim shares "2,560" and "pound" with a source that
    writes "a 2,560-pound pumpkin", which as whole words it once did not, and the right answer was refused. Not as
    stems: they share more than the facts ("joining NATO" with "join the NATO alliance"), and let a claim rest on a
    sentence that holds none of its news (NATO's agreement at Madrid on a sentence about the summit's start)."""
    return content_words(re.sub(r"(?<=\w)-(?=\w)", " ", text))
