"""Tense: whether a question asks about something done, and whether a sentence only tells what is to come (or, for a
question about what is to come, only what was done).

A preview ("Pelosi is expected to visit Taiwan") does not report the event a question asks about as done ("Where
did Pelosi visit?"), however well it names its people; it does answer a question about what is to come.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from index.text import asking_sentence, strip_markers
from qa.answering.answer_type import CALENDAR
from qa.answering.grammar import dependent, main_verb, parse, phrase_of, subject_of

if TYPE_CHECKING:
    from qa.answering.grammar import Token

# What is still to come, only foreseen ("It predicted a loss of 2 million subscribers") or only feared ("the Fed
# could raise rates by more than 50 basis points"); and what is asked as
# done: "did", "was", or a lower-case verb in the past ("-ed", or a common irregular form: "Who won?", "lost how
# many?") with no "is", "are" or "does" about ("Who joined McCartney?", not "What is it titled?", nor "Which team does
# Manchester United …?").
_FUTURE = re.compile(r"\b(?:will|won['’]t|(?:is|are|was|were) (?:set|scheduled|expected|due|poised|slated) to|"
                    r"plans? to|planning to|going to|next (?:week|month|year)|later this (?:week|month|year)|"
                    r"could|might|predict(?:s|ed|ing)?|forecast(?:s|ed|ing)?)\b",
                    re.IGNORECASE)
_DONE = re.compile(r"\b(?:did|was|were)\b", re.IGNORECASE)
_DONE_VERB = re.compile(
    r"\b(?:(?!(?:need|speed|seed|feed|breed|indeed|hundred)\b)[a-z]{2,}ed|won|lost|sold|bought|made|took|gave|became|"
    r"began|fell|rose|shot|struck|chose|wrote|told|held|met|brought|found|spent|sent|paid|built|caught|fought|kept|"
    r"came|went|grew|threw|flew|knew|broke|spoke|stole|drove|fled|led)\b"
)
# Anything still ahead in a sentence, beyond what _FUTURE finds: "would", "is scheduled for", "next", "soon".
_AHEAD = re.compile(r"\b(?:would|\w+['’]ll|scheduled|slated|plans?|upcoming|soon|next|later|"
                    r"expect(?:s|ed)?|due|set (?:for|to))\b", re.IGNORECASE)
_PRESENT = re.compile(r"\b(?:is|are|am|do|does)\b", re.IGNORECASE)
_PERFECT = re.compile(r"\b(?:has|have|had)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A year an event is placed in ("won five Tony Awards in 2015"), not one it is measured from ("since 2001").
_IN_YEAR = re.compile(r"\bin (?:(?:early|late|mid-?)\s?)?((?:19|20)\d\d)\b", re.IGNORECASE)
# Or the edition a year names: "won the 2019 Derby", "at the 2020 Olympics".
_EDITION_YEAR = re.compile(r"\bthe ((?:19|20)\d\d)\s+(?=[A-Z])")
# A claim that keeps the time back it rests on: "a year ago", "last season", "in 2021".
_TIME_BACK = re.compile(r"\b(?:ago|last (?:year|season)|previous (?:year|season)|a year earlier|in (?:19|20)\d\d)\b",
                        re.IGNORECASE)
_YEARS = frozenset("year years season seasons".split())
# What may happen: "May" is a month, or Theresa May.
_POSSIBILITY = re.compile(r"\b(?:[Cc]ould|[Mm]ight|[Ww]ould|may)\b")
_MODALS = frozenset("could might would may".split())
_SAYING = frozenset("say tell report announce state add note warn write".split())
_WILL = frozenset("will shall 'll ’ll wo".split())  # spaCy reads "won't" as "wo" + "n't"
# A question about what is now: "Who is the UK prime minister?", "What are the rules?", "Which team is top?"
# Not "Which airline is slashing 31,000 flights?", which asks about a deed under way.
_STATE_ASKED = re.compile(r"\s*(?:who|what|which(?:\s+[\w'’\-]+){0,3})\s+(?:is|are)\b(?!\s+\w+ing\b)", re.IGNORECASE)
_ASIDES = frozenset("relcl acl advcl".split())


def asked_as_done(question: str) -> bool:
    """Whether ``question`` asks about something done ("Who joined McCartney?", "Where did Pelosi go?"), not about
    what is or will be ("What is it titled?", "Where will she go?")."""
    asking = asking_sentence(question)
    done = _DONE.search(asking) or (_DONE_VERB.search(asking) and not _PRESENT.search(asking))
    return bool(done) and not _FUTURE.search(asking)


def previews(question: str, sentence: str) -> bool:
    """Whether ``sentence`` tells of what is to come while ``question`` asks about something done: a preview
    ("Kendrick Lamar and Paul McCartney will headline the event") does not report the event ("Who joined Paul
    McCartney on stage?"), however well it names its people.

    Example:
        >>> previews("Where did Nancy Pelosi visit?", "Pelosi is expected to visit Taiwan, officials said.")
        True
        >>> previews("Who joined McCartney at Glastonbury?", "McCartney has the Glastonbury headline slot next year.")
        True
        >>> previews("Where will Nancy Pelosi visit?", "Pelosi is expected to visit Taiwan, officials said.")
        False
        >>> previews("Where did Nancy Pelosi visit?", "Pelosi visited Taiwan on Tuesday.")
        False
        >>> previews("Netflix lost how many subscribers?", "It predicted a loss of 2 million subscribers.")
        True
        >>> previews("How much did the Fed raise rates?", "Fears grew that the Fed could raise rates by 0.75%.")
        True
        >>> previews("Beyoncé's album will be out soon. What is it titled?", "It will be titled Renaissance.")
        False
        >>> previews("Who scores most for Manchester United?", "Rashford will start on Sunday."), previews(
        ...     "How much speed do they need?", "They will need more.")
        (False, False)
    """
    return asked_as_done(question) and bool(_FUTURE.search(sentence))


def foretells(question: str, sentence: str) -> bool:
    """Whether ``sentence`` tells only what will or may be while ``question`` asks what is now ("Who is the UK prime
    minister?", "What is the average price of gas?"): "Truss will remain as prime minister until then" and "the
    average price could drop below $3 by the end of the year" do not say what is. Only the sentence's main verb
    counts: "The average is $3.99 and could fall further" tells what is.

    Example:
        >>> q = "What is the average price of a gallon of gas in the US?"
        >>> foretells(q, "The average price could drop below $3 a gallon by the end of the year, analysts say.")
        True
        >>> foretells(q, "The average price is $3.99, and it could fall further."), foretells(
        ...     "What will the average price be?", "The average price could drop below $3.")
        (False, False)
        >>> foretells("Which airline is slashing 31,000 flights?", "American announced it would trim 31,000 flights.")
        False
    """
    if not _STATE_ASKED.match(asking_sentence(question)) or _FUTURE.search(question):
        return False
    told = main_verb(sentence)
    # What is said is what the sentence tells: "… could drop below $3 by the end of the year, analysts say".
    while told is not None and told.lemma_ in _SAYING and (said := dependent(told, "ccomp")) is not None:
        told = said
    return told is not None and any(
        child.dep_ == "aux" and child.lower_ in _MODALS | _WILL for child in told.children)


def formerly(question: str, sentence: str) -> bool:
    """Whether ``sentence`` gives the names it adds to ``question`` only in a clause of what was ("while he was with
    the Houston Texans") while ``question`` asks what is now ("Which team does Watson play for?"): a player's former
    team, an official's former post, is not the answer.

    Example:
        >>> q = "NFL quarterback Deshaun Watson was suspended for six games. Which team does Watson play for?"
        >>> formerly(q, "On Monday, Watson was suspended for six games for violating the NFL's policy while he was "
        ...          "with the Houston Texans.")
        True
        >>> formerly(q, "Watson, who joined the Cleveland Browns in March, was suspended while he was with Houston.")
        False
        >>> formerly("Which team did Watson play for in 2021?", "He was suspended while he was with the Texans.")
        False
    """
    asking = asking_sentence(question)
    if not _PRESENT.search(asking) or _DONE.search(asking) or _PERFECT.search(asking):
        return False
    asked = question.lower()
    # Days and months are no answer to "which team", however the parser tags them.
    added = [t for t in parse(sentence) if t.pos_ == "PROPN" and t.lower_ not in asked and t.lower_ not in CALENDAR]
    return bool(added) and all(_in_a_past_clause(token) for token in added)


def _in_a_past_clause(token: Token) -> bool:
    """Whether ``token`` is inside a clause of time in the past tense ("while he was with …", "when she played …")."""
    return any(head.dep_ == "advcl" and head.tag_ == "VBD" and any(
        child.dep_ == "mark" and child.lower_ in ("while", "when") for child in head.children)
        for head in token.ancestors)


def recounts(question: str, sentence: str) -> bool:
    """Whether ``sentence`` only tells what was done while ``question`` asks about what is to come: "the telescope
    finally launched on December 25" does not say when it will send more images.

    Example:
        >>> q = "When will the James Webb telescope release more images?"
        >>> recounts(q, "The telescope finally launched on December 25."), recounts(q, "More images are due in May.")
        (True, False)
        >>> recounts("When did the telescope launch?", "The telescope finally launched on December 25.")
        False
        >>> recounts("Who will replace Johnson?", "Leading the pack is Rishi Sunak, whose resignation toppled him.")
        False
    """
    if not _FUTURE.search(asking_sentence(question)):
        return False
    # "Leading the pack of hopefuls is Rishi Sunak, … whose resignation contributed to …" tells of now, too.
    ahead = _FUTURE.search(sentence) or _AHEAD.search(sentence) or _PRESENT.search(sentence)
    return not ahead and bool(_DONE.search(sentence) or _DONE_VERB.search(sentence))


def tells_an_earlier_year(question: str, sentence: str, published: datetime | None) -> bool:
    """Whether ``sentence`` places what it tells in a year before its article's (``published``), and in no later
    one, while ``question`` asks about something done and names no year: "The Lightning won the last two Stanley
    Cups in 2020 and 2021" does not say who won it in 2022. A year it is measured from ("its first Stanley Cup since
    2001") does not count.

    Example:
        >>> from datetime import datetime
        >>> june = datetime(2022, 6, 27)
        >>> tells_an_earlier_year("Who won the Stanley Cup?", "The Lightning won the Cup in 2020 and 2021.", june)
        True
        >>> tells_an_earlier_year("Who won the Stanley Cup?", "Colorado won its first Cup since 2001.", june)
        False
        >>> tells_an_earlier_year("Who won the Home Run Derby?", "Alonso won the 2019 Derby as a rookie.", june)
        True
        >>> tells_an_earlier_year("Who won the Stanley Cup in 2021?", "Tampa Bay won the Cup in 2021.", june)
        False
        >>> tells_an_earlier_year("How many Cups has Tampa Bay won?", "Tampa Bay won the Cup in 2020.", june)
        False
    """
    # "How many Grand Slams has she won?" asks for a tally, which years past make up.
    if published is None or _YEAR.search(question) or not asked_as_done(question) or _PERFECT.search(question):
        return False
    placed = [int(y) for y in _IN_YEAR.findall(sentence) + _EDITION_YEAR.findall(sentence)]
    return bool(placed) and all(int(y) < published.year for y in _YEAR.findall(sentence))


def a_year_back(claim: str, sentence: str) -> str | None:
    """Why ``sentence`` does not support ``claim``: it tells what the claim's subject did a year or more back ("a
    year ago", "last season"), and the claim drops the time, so that it reads as this week's news. Asked who will
    play in the US Open final, the 0.5B wrote "Belinda Bencic will play in the US Open final", resting on "Bencic,
    Svitolina and Andreescu reached the final four at the U.S. Open a year ago". None when the claim keeps the time,
    when its subject is no name, or when the sentence says nothing of that name a year back ("prices rose 9% from a
    year ago" compares with a year ago, and tells of now).

    Example:
        >>> src = "Bencic, Svitolina and Andreescu reached the final four at the U.S. Open a year ago."
        >>> a_year_back("Belinda Bencic will play in the US Open final [3].", src)
        'the passage tells what Bencic did a year or more ago'
        >>> a_year_back("Bencic reached the final four a year ago [3].", src) is None
        True
        >>> a_year_back("Prices rose 9.1% [1].", "Consumer prices rose 9.1% from a year ago.") is None
        True
        >>> a_year_back("Serena Williams announced her retirement [1].", "Serena Williams, who won her last major "
        ...             "title five years ago, announced her retirement.") is None
        True
    """
    if _TIME_BACK.search(claim):
        return None
    root = main_verb(strip_markers(claim))
    subject = dependent(root, "nsubj", "nsubjpass") if root is not None else None
    words, named = phrase_of(subject)
    names = {w.lower() for w in words if w[:1].isupper()}
    if not named or not names:
        return None
    for verb in parse(sentence):
        # A clause that describes the name ("Williams, who won her last title five years ago, retired") is not what
        # the sentence tells of it.
        if verb.pos_ not in ("VERB", "AUX") or verb.dep_ in _ASIDES or not _placed_a_year_back(verb):
            continue
        doer = subject_of(verb)
        said_of = [w for w in phrase_of(doer)[0] if w.lower() in names]
        if said_of:
            return f"the passage tells what {said_of[0]} did a year or more ago"
    return None


def _placed_a_year_back(verb: Token) -> bool:
    """Whether ``verb`` is placed a year or more back: "a year ago", "two years ago", "last season" (not "from a
    year ago", a comparison)."""
    for child in verb.children:
        if child.lower_ == "ago" and child.dep_ in ("advmod", "npadvmod"):
            if any(g.lower_ in _YEARS for g in child.children):
                return True
        if child.dep_ == "npadvmod" and child.lower_ in _YEARS and any(
                a.lower_ in ("last", "previous") for a in child.children):
            return True
    return False


def possibility_differs(claim: str, sentence: str) -> str | None:
    """Why ``sentence`` does not support ``claim`` by what may happen: one says the deed may happen ("Hunt could
    replace Johnson", "Petro could win") and the other that it did. None when both say it did, or both that it may.

    Where the sentence tells the claim's deed (a verb of the same lemma), only a modal on that verb counts: "Ford is
    recalling 2.9 million vehicles that may shift into unintended gears" says the recall is done, and only the
    shifting may happen. Elsewhere any modal of the sentence counts, as the sentence may tell the deed in other words.

    Example:
        >>> possibility_differs("Ford recalled 2.9 million vehicles.", "Ford is recalling 2.9 million vehicles that "
        ...                     "may shift into unintended gears.") is None
        True
        >>> possibility_differs("Petro won the runoff.", "Petro could win the runoff and cut taxes, analysts said.")
        'the passage says this may happen, not that it did'
        >>> possibility_differs("Hunt could replace Johnson.", "Hunt replaced Johnson on Monday.")
        'the claim says this may happen and the passage that it did'
        >>> possibility_differs("The cap took effect on 1 March.", "Ortiz said the cap would take effect on 1 March.")
        'the passage says this may happen, not that it did'
        >>> possibility_differs("The FBI found evidence.", "Any search would need to be authorized by a judge after "
        ...                     "finding evidence.")
        'the passage says this may happen, not that it did'
        >>> possibility_differs("Ford recalled the cars.", "Ford, which recalled the cars, could face fines.") is None
        True
    """
    root = main_verb(strip_markers(claim))
    deed = root.lemma_ if root is not None and root.pos_ in ("VERB", "AUX") else None
    said, claimed = _hedged(sentence, deed), _hedged(strip_markers(claim), deed)
    if claimed == said:
        return None
    return ("the claim says this may happen and the passage that it did" if claimed
            else "the passage says this may happen, not that it did")


def _hedged(text: str, deed: str | None) -> bool:
    """Whether ``text`` says that ``deed`` (a verb's lemma) may happen: a modal on a verb of that lemma or on a verb it
    hangs on ("could win and cut"; "any search would need to be authorized … after finding evidence"), not on a
    clause that hangs on it ("vehicles that may shift"); any modal of ``text`` when no verb of it tells the deed."""
    verbs = [token for token in parse(text) if token.lemma_ == deed and token.pos_ in ("VERB", "AUX")] if deed else []
    if not verbs:
        return bool(_POSSIBILITY.search(text))
    return any(child.dep_ == "aux" and child.lower_ in _MODALS
               for verb in verbs for governing in _governing(verb) for child in governing.children)


def _governing(verb: Token) -> list[Token]:
    """``verb`` and the words it hangs on, up to its sentence's root, but not past a clause that describes a noun
    ("the firm that recalled the cars could face fines" does not make the recall possible)."""
    chain = [verb]
    while chain[-1].dep_ not in ("ROOT", "relcl", "acl") and chain[-1].head is not chain[-1]:
        chain.append(chain[-1].head)
    return chain
