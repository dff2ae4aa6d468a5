"""Outcomes a sentence embedding blurs: opposite deeds ("won" and "lost", "rose" and "fell"), a win claimed from
a sentence that tells of no contest's outcome, and the other side's event (the women's for the men's).

Asked "Who won the Wyoming Republican primary?", the 0.5B wrote "Liz Cheney won the Wyoming Republican primary",
and the check found it close to "Republican Liz Cheney has lost her seat in Congress after voters in Wyoming elected a
Trump-backed candidate": the same names, the same primary, the opposite outcome. Who won and who lost are told apart
by the name before the verb ("Cheney lost to Hageman" supports "Hageman won"); a figure that rose or fell is a thing
without a name, so a sentence that says only the opposite of the claim's direction does not support it.
"""

from __future__ import annotations

import re

from index.text import QUESTION_WORD, STOPWORDS, asking_sentence

_WON = r"(?:won|wins?|winning|victorious)"
_LOST = r"(?:lost|loses?|losing|conceded|(?:was|were|been)\s+(?:ousted|defeated|beaten|unseated))"
_ROSE = re.compile(r"\b(?:rose|rises?|risen|rising|increased?|increases|increasing|climbed|climbs?|jumped|jumps?|"
                   r"soared|soars?|grew|grows?|surged|surges?|rebounded|gained)\b", re.IGNORECASE)
_FELL = re.compile(r"\b(?:fell|falls?|fallen|falling|decreased?|decreases|decreasing|dropped|drops?|declined|"
                   r"declines?|slid|slides?|sank|sinks?|plunged|plunges?|shrank|shrinks?|eased|eases?)\b",
                   re.IGNORECASE)
# Words that tell a contest's outcome, whoever they name: "lost to Hageman" and "voters elected Hageman" say who won.
# Not the bare verb: "will try to become the first player to win" tells of none yet.
_OUTCOME = re.compile(r"\b(?:won(?!['’]t)|wins|winning|winners?|victor(?:y|ies|ious|s)?|defeat(?:ed|s|ing)?|"
                      r"beat(?:s|en|ing)?|lost|loses?|losing|ousted|unseated|elected|re-elected|clinch(?:ed|es|ing)?|triumph(?:ed|s)?|"
                      r"champions?|titles?|crowned|gold|first place|runner-up|took the|claimed the|prevailed|"
                      r"fend(?:ed|ing|s)? off|nominee|nomination|advanc(?:e|ed|es|ing)|projected)\b", re.IGNORECASE)
# Who won, not "failed to win over customers": the bare verb asks of no contest's outcome.
_WIN_ASKED = re.compile(r"\b(?:won(?!['’]t)|wins|winners?)\b", re.IGNORECASE)  # "won't play" is no win
# The two sides of a sport: "the men's singles title" is not told by "Rybakina won her first major title".
_SIDES = ((re.compile(r"\bmen['’]s\b", re.IGNORECASE), re.compile(r"\b(?:she|her|hers|women['’]s)\b", re.IGNORECASE),
           "women's"),
          (re.compile(r"\bwomen['’]s\b", re.IGNORECASE), re.compile(r"\b(?:he|his|him|men['’]s)\b", re.IGNORECASE),
           "men's"))
_NEAR = 5  # words before the verb in which its doer is named: "Republican Liz Cheney has lost"
# A clause between the doer and the verb: "Liz Cheney, who … a critic of former President Donald Trump, was ousted".
_ASIDE = re.compile(r",\s+(?:who|which)\b[^.;]*?,\s+(?=(?:was|were|has|have|had|is|are)\b)")


def opposite_deed(claim: str, sentence: str) -> str | None:
    """Why ``sentence`` says the opposite of ``claim``: the one the claim says won, it says lost (or the reverse),
    or a figure the claim says rose, it says only fell (or the reverse). None when it does not.

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
        >>> opposite_deed("Inflation rose in July [1].", "Inflation eased in July as gas prices fell.")
        'the passage says it fell, not that it rose'
    """
    for said, other in ((_WON, _LOST), (_LOST, _WON)):
        for name in sorted(_doers(claim, said) & _doers(sentence, other) - _doers(sentence, said)):
            return f"the passage says {name} {re.search(other, sentence).group()}"
    for said, other, words in ((_ROSE, _FELL, ("rose", "fell")), (_FELL, _ROSE, ("fell", "rose"))):
        if said.search(claim) and other.search(sentence) and not said.search(sentence):
            return f"the passage says it {words[1]}, not that it {words[0]}"
    return None


def unstated_win(claim: str, sentence: str, question: str) -> str | None:
    """Why ``sentence`` cannot tell the winner ``claim`` names, asked who won: it tells of no outcome at all. None
    when it does, or when the question or the claim is not about winning.

    The 0.5B, asked who won the Wyoming primary, wrote "Liz Cheney won …" and cited the headline "How Liz Cheney
    became a 'Republican outcast'": her name, the state and the party, and nothing of who won. An award's organiser
    is named beside the award in the same way. Any word of an outcome will do ("lost to Hageman", "voters elected
    Hageman"): whether it is given to the right one is :func:`opposite_deed`'s and the names' check.

    Example:
        >>> q = "Who won the Wyoming Republican primary?"
        >>> unstated_win("Liz Cheney won the primary [1].", "How Liz Cheney became a 'Republican outcast'", q)
        'the passage does not say who won'
        >>> unstated_win("Harriet Hageman won the primary [1].", "Liz Cheney lost to Harriet Hageman.", q) is None
        True
        >>> unstated_win("After nobody won, the prize rose to $630 million [1].", "The jackpot is $630 million.",
        ...              "After nobody won the jackpot Tuesday, the prize ballooned to:") is None
        True
        >>> unstated_win("Domino's failed to win over customers [1].", "Domino's closed its last store.",
        ...              "Which chain failed to win over customers?") is None
        True
        >>> unstated_win("Nadal won’t play at the US Open [1].", "Nadal pulled out with an injury.",
        ...              "Which tennis star won’t play at the US Open?") is None
        True
    """
    if _WIN_ASKED.search(claim) and tells_no_outcome(question, sentence):
        return "the passage does not say who won"
    return None


def tells_no_outcome(question: str, sentence: str) -> bool:
    """Whether ``question`` asks who won and ``sentence`` tells of no outcome, so it cannot answer it (nor lead the
    answer): "Liz Cheney spent the year as Trump's fiercest critic" names a candidate and no result."""
    return bool(_WIN_ASKED.search(_asked(question))) and not _OUTCOME.search(sentence)


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


def _asked(question: str) -> str:
    """What ``question`` asks, without the scene it sets: from its question word on, or a fill-in's last clause
    ("After nobody won the jackpot Tuesday, the prize ballooned to:" asks what the prize is, not who won)."""
    question = asking_sentence(question)
    if found := QUESTION_WORD.search(question):
        return question[found.start():]
    return question.rsplit(",", 1)[-1]


def _doers(text: str, verb: str) -> set[str]:
    """The names just before each ``verb`` of ``text``: who it says did it ("Liz Cheney has lost" → Liz, Cheney)."""
    doers = set()
    text = _ASIDE.sub(" ", text)
    for match in re.finditer(rf"\b{verb}\b", text):
        # Every name there counts: "Rep. Liz Cheney, R-Wyo., lost" ends on her party and state, not her name.
        words = [re.sub(r"['’]s$", "", w.strip(",;:.")) for w in text[: match.start()].split()[-_NEAR:]]
        doers |= {w for w in words if w[:1].isupper() and w.lower() not in STOPWORDS}
    return doers
