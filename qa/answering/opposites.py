"""Outcomes a sentence embedding blurs: opposite deeds ("won" and "lost", "rose" and "fell"), a contest told the
other way round ("Hageman lost to Cheney" for "Cheney lost to Hageman"), and the other side's event (the women's for
the men's). Whether a sentence tells who won at all is :mod:`qa.answering.winners`.

Asked "Who won the Wyoming Republican primary?", the 0.5B wrote "Liz Cheney won the Wyoming Republican primary",
and the check found it close to "Republican Liz Cheney has lost her seat in Congress after voters in Wyoming elected a
Trump-backed candidate": the same names, the same primary, the opposite outcome. Who won and who lost are told apart
by the name before the verb ("Cheney lost to Hageman" supports "Hageman won"); a figure that rose or fell is a thing
without a name, so a sentence that says only the opposite of the claim's direction does not support it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.text import STOPWORDS, strip_markers
from qa.answering.grammar import agent_of, is_passive, main_verb, name_of, negated, parse, receiver_of, subject_of
from qa.answering.succession import reversed_pair

if TYPE_CHECKING:
    from qa.answering.grammar import Token

_WON = r"(?:won|wins?|winning|victorious)"
_LOST = r"(?:lost|loses?|losing|conceded|(?:was|were|been)\s+(?:ousted|defeated|beaten|unseated))"
_ROSE = re.compile(r"\b(?:rose|rises?|risen|rising|increased?|increases|increasing|climbed|climbs?|jumped|jumps?|"
                   r"soared|soars?|grew|grows?|surged|surges?|rebounded|gained)\b", re.IGNORECASE)
_FELL = re.compile(r"\b(?:fell|falls?|fallen|falling|decreased?|decreases|decreasing|dropped|drops?|declined|"
                   r"declines?|slid|slides?|sank|sinks?|plunged|plunges?|shrank|shrinks?|eased|eases?)\b",
                   re.IGNORECASE)
# The two sides of a sport: "the men's singles title" is not told by "Rybakina won her first major title".
_SIDES = ((re.compile(r"\bmen['’]s\b", re.IGNORECASE), re.compile(r"\b(?:she|her|hers|women['’]s)\b", re.IGNORECASE),
           "women's"),
          (re.compile(r"\bwomen['’]s\b", re.IGNORECASE), re.compile(r"\b(?:he|his|him|men['’]s)\b", re.IGNORECASE),
           "men's"))
_NEAR = 5  # words before the verb in which its doer is named: "Republican Liz Cheney has lost"
# A clause between the doer and the verb: "Liz Cheney, who … a critic of former President Donald Trump, was ousted",
# "Cheney, who has been the representative for Wyoming since 2017, lost to Harriet Hageman".
_ASIDE = re.compile(rf",\s+(?:who|which)\b[^.;]*?,\s+(?=(?:was|were|has|have|had|is|are|{_WON}|{_LOST})\b)")


def opposite_deed(claim: str, sentence: str) -> str | None:
    """Why ``sentence`` says the opposite of ``claim``: the one the claim says won, it says lost (or the reverse),
    a figure the claim says rose, it says only fell (or the reverse), or it denies the claim's deed, or tells what
    the claim denies (:func:`denies_what_is_told`). None when it does not.

    Example:
        >>> src = "Republican Liz Cheney has lost her seat after voters elected a Trump-backed candidate."
        >>> opposite_deed("Liz Cheney won the Wyoming Republican primary [4].", src)
        'the passage says Cheney lost'
        >>> opposite_deed("Harriet Hageman won the primary [1].", "Liz Cheney lost to Harriet Hageman.") is None
        True
        >>> opposite_deed("Liz Cheney won [1].", "Liz Cheney, who became a critic of President Donald Trump, was "
        ...               "ousted by Harriet Hageman.")
        'the passage says Cheney was ousted'
        >>> opposite_deed("Harriet Hageman won [1].", "Hageman defeated Liz Cheney.") is None
        True
        >>> opposite_deed("Liz Cheney won [1].", "Rep. Liz Cheney, R-Wyo., lost to a Trump-backed challenger.")
        'the passage says Cheney lost'
        >>> opposite_deed("Liz Cheney won her primary because she lost to Harriet Hageman [2].", "Cheney, who has been "
        ...               "the representative for Wyoming since 2017, lost to Harriet Hageman in the election.")
        'the passage says Cheney lost'
        >>> opposite_deed("Inflation rose in July [1].", "Inflation eased in July as gas prices fell.")
        'the passage says it fell, not that it rose'
    """
    for said, other in ((_WON, _LOST), (_LOST, _WON)):
        for name in sorted(_doers(claim, said) & _doers(sentence, other) - _doers(sentence, said)):
            return f"the passage says {name} {re.search(other, sentence).group()}"
    for said, other, words in ((_ROSE, _FELL, ("rose", "fell")), (_FELL, _ROSE, ("fell", "rose"))):
        if said.search(claim) and other.search(sentence) and not said.search(sentence):
            return f"the passage says it {words[1]}, not that it {words[0]}"
    return denies_what_is_told(claim, sentence)


def other_side(statement: str, sentence: str) -> str | None:
    """Why ``sentence`` tells of the other side's event than ``statement`` (a claim or a question) names: the men's
    where it names the women's, by the word or by the pronoun, and does not name its own. None when it does not.

    Example:
        >>> other_side("Who won the Wimbledon men's singles title?", "Rybakina won her first major title.")
        "the passage tells of the women's event"
        >>> other_side("Who won the Wimbledon women's title?", "Rybakina won her first major title.") is None
        True
    """
    for side, other, name in _SIDES:
        if side.search(statement) and not side.search(sentence) and other.search(sentence):
            return f"the passage tells of the {name} event"
    return None


def _doers(text: str, verb: str) -> set[str]:
    """The names just before each ``verb`` of ``text``: who it says did it ("Liz Cheney has lost" → Liz, Cheney)."""
    doers = set()
    text = _ASIDE.sub(" ", text)
    for match in re.finditer(rf"\b{verb}\b", text):
        # Every name there counts: "Rep. Liz Cheney, R-Wyo., lost" ends on her party and state, not her name.
        words = [re.sub(r"['’]s$", "", w.strip(",;:.")) for w in text[: match.start()].split()[-_NEAR:]]
        doers |= {w for w in words if w[:1].isupper() and w.lower() not in STOPWORDS}
    return doers


# Verbs whose subject beat their object: "Hageman beat Cheney", "Cheney was defeated by Hageman".
_BEATING = frozenset("beat defeat oust unseat".split())


def reversed_outcome(claim: str, sentence: str) -> str | None:
    """Why ``sentence`` tells the contest ``claim`` tells with winner and loser the other way round; None when it
    does not. Asked "Why did Harriet Hageman lose to Liz Cheney?", the 0.5B wrote "Harriet Hageman lost to Liz Cheney
    because …", resting on "Cheney, who has been the representative for Wyoming since 2017, lost to Harriet Hageman":
    the same words, the same verb, the roles turned round.

    Example:
        >>> src = "Cheney, who has been the representative for Wyoming since 2017, lost to Harriet Hageman."
        >>> reversed_outcome("Harriet Hageman lost to Liz Cheney because she backed Trump [2].", src)
        'the passage says Harriet Hageman beat Cheney, not the reverse'
        >>> reversed_outcome("Harriet Hageman beat Liz Cheney [2].", src) is None
        True
        >>> reversed_outcome("Liz Cheney beat Harriet Hageman [1].", "Cheney was defeated by Hageman.")
        'the passage says Hageman beat Cheney, not the reverse'
    """
    if pair := reversed_pair(contests(strip_markers(claim)), contests(sentence)):
        return f"the passage says {pair[0]} beat {pair[1]}, not the reverse"
    return None


def contests(text: str) -> list[tuple[str, str]]:
    """Each (winner, loser) pair of names ``text`` tells by "beat", "defeat", "oust" or "unseat" (either voice) or by
    "lost to"."""
    pairs = []
    for verb in parse(text):
        if verb.pos_ != "VERB":
            continue
        lemma = verb.lemma_.lower()
        if lemma == "lose":
            # The small parser hangs "lost" on the name before a long aside: "Cheney, who …, lost to Hageman".
            loser = subject_of(verb) or (verb.head if verb.dep_ == "acl" else None)
            winner = next((g for c in verb.children if c.lower_ == "to" for g in c.children if g.dep_ == "pobj"), None)
        elif lemma in _BEATING:
            winner, loser = agent_of(verb) if is_passive(verb) else subject_of(verb), receiver_of(verb)
        else:
            continue
        if _named(winner) and _named(loser):
            pairs.append((name_of(winner), name_of(loser)))
    return pairs


def _named(token: Token | None) -> bool:
    return token is not None and token.pos_ == "PROPN"


def affirms_what_is_denied(question: str, claim: str) -> str | None:
    """Why ``claim`` cannot answer ``question``: the question asks who did *not* do a deed ("Which tennis star
    announced that they won't play at this year's US Open?") and the claim tells that deed done, nowhere denied
    ("Serena Williams announced that she will step away … after playing in this year's U.S. Open", the 1.5B, dev).
    None when the question denies no deed, or the claim denies it too.

    Example:
        >>> q = "Which tennis star announced that they won't play at this year's US Open?"
        >>> affirms_what_is_denied(q, "Serena Williams will retire after playing in this year's US Open [2].")
        'it tells of playing, and the question asks of not doing so'
        >>> affirms_what_is_denied(q, "Novak Djokovic will not be playing at the US Open [1].") is None
        True
        >>> affirms_what_is_denied("Which star will play at the US Open?", "Serena is playing [1].") is None
        True
    """
    denied = {verb.lemma_ for verb in parse(question) if verb.pos_ == "VERB" and negated(verb)}
    if not denied:
        return None
    done = [verb for verb in parse(strip_markers(claim)) if verb.pos_ == "VERB" and verb.lemma_ in denied]
    if not done or any(negated(verb) for verb in done):
        return None
    return f"it tells of {done[0].text}, and the question asks of not doing so"


def denies_what_is_told(claim: str, sentence: str) -> str | None:
    """Why ``sentence`` says the opposite of ``claim`` by its deed: the one denies the deed the other tells ("The
    Supreme Court has not overturned Roe v. Wade" on "The Supreme Court overturned Roe v. Wade on Friday, holding that
    there is no longer a federal constitutional right …", which a test of negation words anywhere in the two takes
    for agreeing). None when the sentence does not tell the claim's main deed, or tells it as the claim does.

    Example:
        >>> src = "The Supreme Court overturned Roe v. Wade on Friday, holding that there is no longer a right to it."
        >>> denies_what_is_told("The Supreme Court has not overturned Roe v. Wade [1].", src)
        'the passage says overturned, and the claim denies it'
        >>> denies_what_is_told("The Supreme Court overturned Roe v. Wade [1].", src) is None
        True
        >>> denies_what_is_told("Canada won medals [1].", "Canada won no medals.")
        'the passage denies won, and the claim tells it'
    """
    deed, told = _deed_told(claim, sentence)
    if deed is None or not told or any(_denied(verb) == _denied(deed) for verb in told):
        return None
    return (f"the passage says {told[0].text}, and the claim denies it" if _denied(deed)
            else f"the passage denies {told[0].text}, and the claim tells it")


def tells_deed_alike(claim: str, sentence: str) -> bool:
    """Whether ``sentence`` tells ``claim``'s main deed as the claim does, and no deed of the claim otherwise: both
    deny it or neither, nothing joined to it is denied ("is expected to operate for five years but is not capped at
    that"), and every other verb of the claim that the sentence has, or that the claim denies, agrees ("announced
    that they won't play" is not "announced … after playing"). Then a negation elsewhere in the sentence ("holding
    that there is no longer a right") is not the claim's.

    Example:
        >>> tells_deed_alike("The court overturned Roe [1].", "The court overturned Roe, holding there is no right.")
        True
        >>> tells_deed_alike("The court overturned Roe [1].", "The court did not overturn Roe.")
        False
        >>> tells_deed_alike("Webb is expected to operate for five years [1].", "Webb is expected to operate for "
        ...                  "five years but is not capped at that.")
        False
        >>> tells_deed_alike("Serena announced that she won't play [2].", "Serena announced she will retire after "
        ...                  "playing at the US Open, which she has not won since 2018.")
        False
    """
    deed, told = _deed_told(claim, sentence)
    if deed is None or not any(_denied(verb) == _denied(deed) and not any(_denied(other) for other in verb.conjuncts)
                               for verb in told):
        return False
    verbs = [verb for verb in parse(sentence) if verb.pos_ == "VERB"]
    for verb in parse(strip_markers(claim)):
        if verb.pos_ != "VERB":
            continue
        same = [other for other in verbs if other.lemma_ == verb.lemma_]
        if (same or _denied(verb)) and not any(_denied(other) == _denied(verb) for other in same):
            return False
    return True


def _deed_told(claim: str, sentence: str) -> tuple[Token | None, list[Token]]:
    """The claim's main verb, and the verbs of ``sentence`` with its lemma."""
    deed = main_verb(strip_markers(claim))
    if deed is None or deed.pos_ != "VERB":
        return None, []
    return deed, [verb for verb in parse(sentence) if verb.pos_ == "VERB" and verb.lemma_ == deed.lemma_]


def _denied(verb: Token) -> bool:
    """Whether ``verb`` is denied, by "not" or by what it is done to or by ("won no medals", "nobody won")."""
    return negated(verb) or any(
        child.dep_ in ("dobj", "nsubj", "nsubjpass", "attr") and (
            child.lower_ in ("nothing", "none", "nobody", "noone")
            or any(det.dep_ == "det" and det.lower_ == "no" for det in child.children))
        for child in verb.children)
