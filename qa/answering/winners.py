"""Asked who won: whether a sentence tells an outcome at all, and whom it gives each outcome to.

The 0.5B, asked who won the Wyoming primary, wrote "Liz Cheney won …" and cited the headline "How Liz Cheney
became a 'Republican outcast'": her name, the state and the party, and nothing of who won. So a claimed win needs
a sentence with a word of an outcome (:func:`unstated_win`). And a word of an outcome is not enough: "The prizes
are administered by Columbia University, which announced this year's winners" tells an outcome and names only the
organiser, and "Regina Garcia Cano reported that Gustavo Petro won" names a reporter beside the winner. An outcome
belongs to whoever the grammar gives it to: the subject of "won", "beat" or "clinched the title", the object of
"elected", the one "lost to" or "defeated by", the name a "winner" or "champion" stands beside. A claimed winner is
supported when the sentence gives an outcome to one of the claim's new names, or tells one whose doer it does not
name ("The show also won best musical", "she won"): who "the show" is, the sentences around it tell. An outcome of
another contest tells nothing of the one asked about: a past title ("Seven-time Wimbledon champion Serena
Williams"), a round won on the way ("beat Ostapenko to advance to the third round"), last year's win. The grammar is
:mod:`qa.answering.grammar`'s parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.text import QUESTION_WORD, asking_sentence, strip_markers
from qa.answering.answer_type import bare, given_names, question_words
from qa.answering.grammar import agent_of, dependent, is_passive, name_of, parse, phrase_of, receiver_of, subject_of
from qa.answering.tense import tells_an_earlier_year

if TYPE_CHECKING:
    from datetime import datetime

    from qa.answering.grammar import Token

# Words that tell a contest's outcome, whoever they name: "lost to Hageman" and "voters elected Hageman" say who won.
# Not the bare verb: "will try to become the first player to win" tells of none yet.
_OUTCOME = re.compile(r"\b(?:won(?!['’]t)|wins|winning|winners?|victor(?:y|ies|ious|s)?|defeat(?:ed|s|ing)?|"
                      r"beat(?:s|en|ing)?|lost|loses?|losing|ousted|unseated|elected|re-elected|clinch(?:ed|es|ing)?|triumph(?:ed|s)?|"
                      r"champions?|titles?|crowned|gold|first place|runner-up|took the|(?:took|takes?|taking) home|"
                      r"claimed the|prevailed|"
                      r"fend(?:ed|ing|s)? off|nominee|nomination|advanc(?:e|ed|es|ing)|projected)\b", re.IGNORECASE)
# Who won, not "failed to win over customers": the bare verb asks of no contest's outcome.
_WIN_ASKED = re.compile(r"\b(?:won(?!['’]t)|wins|winners?)\b", re.IGNORECASE)  # "won't play" is no win
# Verbs whose subject won: "Petro won", "the Avalanche defeated the Lightning", "Crist … after fending off Fried".
_WINNING = frozenset("win beat defeat clinch sweep prevail triumph edge oust unseat topple upset outlast rout fend "
                     "capture secure claim take lift retain earn".split())
# Of those, the ones that tell a win only with a prize as their object: "claimed the title", not "claimed that".
_WITH_PRIZE = frozenset("capture secure claim take lift retain earn".split())
_PRIZES = frozenset("title crown cup trophy championship medal gold prize award nomination race election primary "
                    "seat final victory tournament derby open match game series pennant belt slam jackpot contest "
                    "vote runoff".split())
# Verbs whose object (or, passive, whose subject) won: "voters elected Hageman", "Ruto was declared the winner".
_CHOOSING = frozenset("elect re-elect reelect crown name declare choose pick select nominate".split())
_LOSING = frozenset("lose concede".split())  # "Cheney lost to Hageman": the one lost to won
_WINNER_NOUNS = frozenset("winner champion victor nominee victory win titleholder".split())
# Not yet an outcome: "will win", "could win", "hopes to win", "did not win".
_MODALS = frozenset("will would could might may can should shall".split())
# A title won before: "Seven-time Wimbledon champion Serena Williams", "2017 champion Jelena Ostapenko", "defending
# champion Novak Djokovic" tell who won earlier editions, not the one asked about.
_PAST_TITLE = frozenset("former defending reigning previous past ex time".split())
# A win on the way, not the contest's: "beat Ostapenko to advance to the third round", "… to reach the semifinals".
_ON_THE_WAY = frozenset("advance reach move progress book".split())
_STAGES = frozenset("round quarterfinal quarterfinals quarter-final quarter-finals semifinal semifinals semi-final "
                    "semi-finals semi semis quarters final finals playoff playoffs knockout stage".split())
# The stages a contest is won at, each as it is written to its one name (other_stage).
_STAGE_NAMES = {"final": "final", "finals": "final", "semifinal": "semifinal", "semifinals": "semifinal",
                "semi-final": "semifinal", "semi-finals": "semifinal", "semis": "semifinal",
                "quarterfinal": "quarterfinal", "quarterfinals": "quarterfinal", "quarter-final": "quarterfinal",
                "quarter-finals": "quarterfinal", "first round": "early round", "second round": "early round",
                "third round": "early round", "fourth round": "early round", "opening round": "early round"}
# A stage as a noun: "the women's final", "in the semifinals", "the second round"; not "his final match", "the final
# days" or "the final round" (of a golf tournament: its last day).
_STAGE = re.compile(r"\b(" + "|".join(w.replace(" ", r"\s+") for w in sorted(_STAGE_NAMES, key=len, reverse=True))
                    + r")\b(?![ -](?:round|day|days|"
                    r"match|game|race|set|week|weeks|stretch|minute|minutes|hours?|seconds?|lap|leg|score|time)\b)",
                    re.IGNORECASE)
# Another edition: "beat Mancini … in last year's Derby", "won the title last season".
_EARLIER = frozenset("last previous past".split())
_EDITIONS = frozenset("year season edition".split())


def unstated_win(claim: str, sentence: str, question: str) -> str | None:
    """Why ``sentence`` cannot tell the winner ``claim`` names, asked who won: it tells of no outcome at all, or
    gives none to the one the claim names (:func:`winner_not_given`). None when it does, or when the question or the
    claim is not about winning.

    The 0.5B, asked who won the Wyoming primary, wrote "Liz Cheney won …" and cited the headline "How Liz Cheney
    became a 'Republican outcast'": her name, the state and the party, and nothing of who won. An award's organiser
    is named beside the award in the same way. Any word of an outcome passes this first test ("lost to Hageman",
    "voters elected Hageman").

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
        >>> court = "Brazil's Supreme Electoral Court validates election results."
        >>> unstated_win(court, court, "Who won Brazil's presidential election?")
        'neither it nor the passage says who won'
    """
    if claims_a_win(claim) and tells_no_outcome(question, sentence):
        return "the passage does not say who won"
    # Nor does a claim that names someone and no outcome, on a passage without one: "Brazil's Supreme Electoral Court
    # officially validates election results" for "Who won Brazil's presidential election?".
    if tells_no_outcome(question, claim) and tells_no_outcome(question, sentence):
        return "neither it nor the passage says who won"
    if claims_a_win(claim) and (stages := other_stage(question, sentence)):
        return f"the passage tells of the {stages[0]}, not the {stages[1]}"
    return winner_not_given(claim, sentence, question)


def other_stage(question: str, sentence: str) -> tuple[str, str] | None:
    """The stage of a contest ``sentence`` tells of and the one ``question`` asks who won, when they differ: the
    0.5B answered "Who won the US Open women's final?" with "… was won by Carlos Alcaraz", resting on "Carlos
    Alcaraz defeats Frances Tiafoe at the US Open semifinals". None when the question names no stage, the sentence
    none, or one the question names.

    Example:
        >>> other_stage("Who won the US Open women's final?", "Alcaraz defeats Tiafoe at the US Open semifinals")
        ('semifinal', 'final')
        >>> other_stage("Who won the final?", "She beat Jabeur in the final after a semifinal win.") is None
        True
        >>> other_stage("Who won the US Open women's final?", "Williams celebrates after winning in the second round")
        ('early round', 'final')
    """
    if not asks_who_won(question):
        return None
    asked, told = _stages_in(question), _stages_in(sentence)
    if not asked or not told or asked & told:
        return None
    return sorted(told)[0], sorted(asked)[0]


def _stages_in(text: str) -> set[str]:
    # One name for each stage however written: "semis", "semi-finals", "semifinal".
    return {_STAGE_NAMES[" ".join(m.group(1).lower().split())] for m in _STAGE.finditer(text)}


def earlier_win(question: str, claim: str, sentence: str, published: datetime | None) -> str | None:
    """Why ``sentence``, from an article out at ``published``, cannot tell the win ``claim`` gives, asked who won:
    it places its win in an earlier year ("Alonso won the 2019 Derby" for the Derby of 2022). None otherwise.

    Example:
        >>> from datetime import datetime
        >>> earlier_win("Who won the Home Run Derby?", "Pete Alonso won the Home Run Derby [1].",
        ...             "Alonso won the 2019 Derby at Cleveland as a rookie.", datetime(2022, 7, 19))
        "the passage tells of an earlier year's win"
    """
    if asks_who_won(question) and claims_a_win(claim) and tells_an_earlier_year(question, sentence, published):
        return "the passage tells of an earlier year's win"
    return None


def tells_no_outcome(question: str, sentence: str) -> bool:
    """Whether ``question`` asks who won and ``sentence`` tells of no outcome, so it cannot answer it (nor lead the
    answer): "Liz Cheney spent the year as Trump's fiercest critic" names a candidate and no result."""
    return asks_who_won(question) and not _OUTCOME.search(sentence)


def asks_who_won(question: str) -> bool:
    """Whether ``question`` asks who won (not "After nobody won the jackpot, the prize ballooned to:")."""
    return bool(_WIN_ASKED.search(_asked(question)))


def claims_a_win(claim: str) -> bool:
    """Whether ``claim`` says someone won ("won", "wins", "the winner"; not "won't")."""
    return bool(_WIN_ASKED.search(claim))


@dataclass(frozen=True)
class Outcome:
    """An outcome a sentence tells, and the words of whoever it gives it to.

    Attributes:
        word: the word that tells it ("won", "elected", "winners").
        doer: the words of the noun phrase it is given to; empty when no one is ("this year's winners").
        name: the name heading that phrase, without what describes it ("Harriet Hageman" of "a Trump-backed
            candidate, Harriet Hageman"); empty when no one is.
        named: whether that phrase is a name (its head, or a noun in apposition to it, is a proper noun), not "the
            show", "she" or "a Trump-backed candidate".
        noun: whether a noun tells it ("winners"), not a verb: a noun beside no one gives the outcome to no one,
            while a verb whose doer the parse did not find gives it to someone unknown.
        other: what it is when it is not the outcome of the contest asked about ("a past title", "a round won
            on the way", "another year's win"); empty when it is.
    """

    word: str
    doer: tuple[str, ...]
    named: bool
    name: str = ""
    noun: bool = False
    other: str = ""


def outcomes(sentence: str, *, every: bool = False) -> list[Outcome]:
    """The outcomes ``sentence`` tells as done, each with whom it gives it to (see the module docstring); with
    ``every``, also those of another contest than the one a question asks about: a past title ("seven-time champion
    Serena Williams"), a round won on the way ("beat Ostapenko to advance to the third round"), another year's
    ("beat Mancini … in last year's Derby"). Each of those says what it is in :attr:`Outcome.other`.

    Example:
        >>> [(o.word, " ".join(o.doer)) for o in outcomes("Voters in Wyoming elected Harriet Hageman on Tuesday.")]
        [('elected', 'Harriet Hageman')]
        >>> [(o.word, o.doer) for o in outcomes("Columbia University announced this year's winners.")]
        [('winners', ())]
        >>> outcomes("Alonso will try to become the first player to win three straight Derbies.")
        []
        >>> [(o.word, o.other) for o in outcomes("Cornet beat 2017 champion Jelena Ostapenko to advance to the third "
        ...                                       "round.", every=True)]
        [('beat', 'a round won on the way'), ('champion', 'a past title')]
    """
    doc = parse(strip_markers(sentence))
    found = []
    for token in doc:
        noun = token.pos_ in ("NOUN", "PROPN")
        if token.pos_ in ("VERB", "AUX") and not _not_yet(token):
            doer, other = _verb_doer(token), _elsewhen(token)
        elif noun and _names_a_winner(token):
            doer, other = _noun_doer(token), _past_title(token)
        else:
            continue
        if doer is not False and (every or not other):
            words, named = phrase_of(doer)
            found.append(Outcome(token.text, words, named, name_of(doer) if doer is not None else "", noun, other))
    return found


def winner_not_given(claim: str, sentence: str, question: str) -> str | None:
    """Why ``sentence`` does not say the one ``claim`` names won, asked who won; None when it gives an outcome to one
    of the claim's new names, gives one to no name, tells none (that is :func:`unstated_win`'s), or when the question
    or claim is not about winning.

    Example:
        >>> q = "Who won the Pulitzer Prize for public service?"
        >>> winner_not_given("Columbia University won the Pulitzer Prize [1].", "The prizes are administered by "
        ...                  "Columbia University, which announced this year's winners on Monday.", q)
        'the passage does not say Columbia University won'
        >>> winner_not_given("Regina Garcia Cano won the election [1].",
        ...                  "Regina Garcia Cano reported that Gustavo Petro won Colombia's election.",
        ...                  "Who won Colombia's presidential election?")
        'the passage says Gustavo Petro won, not Regina Garcia Cano'
        >>> winner_not_given("Gustavo Petro won the election [1].",
        ...                  "Regina Garcia Cano reported that Gustavo Petro won Colombia's election.",
        ...                  "Who won Colombia's presidential election?") is None
        True
    """
    if not asks_who_won(question) or not claims_a_win(claim):
        return None
    plain = strip_markers(claim)
    given = given_names(question, plain)
    if not given:
        return None
    claimed = {bare(m.group()) for m in given}
    name = _run(plain, given[0].start())
    told = outcomes(sentence)
    if not told:
        # Its words of an outcome all tell of another contest: a past title, a round won on the way, another year's.
        other = next((o.other for o in outcomes(sentence, every=True)), None)
        return f"the passage tells only of {other}, not that {name} won" if other else None
    if any(claimed & {bare(w) for w in o.doer} or (o.doer and not o.named) for o in told):
        return None
    if any(not o.doer and not o.noun for o in told):
        return None  # a verb's doer the parse did not find: no grounds to refuse
    others = [o for o in told if o.named]
    if others:
        return f"the passage says {others[0].name} won, not {name}"
    return f"the passage does not say {name} won"


def names_no_winner(question: str, sentence: str) -> bool:
    """Whether ``sentence``, asked who won, gives no outcome to a name the question lacks, so that it cannot lead
    the answer: "Columbia University, which announced this year's winners" gives one to no one, "voters elected a
    Trump-backed candidate" to someone it does not name."""
    if not asks_who_won(question):
        return False
    asked = {bare(w) for w in question_words(question)}
    return not any(o.named and {bare(w) for w in o.doer} - asked for o in outcomes(sentence))


def _names_a_winner(noun: Token) -> bool:
    """Whether ``noun`` names who won ("the winner", "champion Alcaraz", "Republican nominee Harriet Hageman"). Not
    "nominees": they are the field a prize is given among ("… beat fellow outstanding drama series nominees “Better
    Call Saul,” “Euphoria” …"), while one party's nominee has won its contest."""
    lemma = noun.lemma_.lower()
    return lemma in _WINNER_NOUNS and not (lemma == "nominee" and noun.tag_ in ("NNS", "NNPS"))


def _not_yet(verb: Token) -> bool:
    """Whether ``verb`` tells what may or is hoped to happen, or did not: "will win", "did not win", "will try to
    win", "the first player to win"; not the purpose of a deed done ("beat Germany 2-1 to win Euro 2022")."""
    if any(child.lower_ in _MODALS or child.dep_ == "neg" for child in verb.children):
        return True
    if not any(child.dep_ == "aux" and child.lower_ == "to" for child in verb.children):
        return False
    if verb.dep_ == "advcl" and verb.head.pos_ in ("VERB", "AUX"):
        return _not_yet(verb.head)
    return True


def _past_title(noun: Token) -> str:
    """What a "champion" or "winner" is when it holds a title of earlier editions ("seven-time", "2017", "former",
    "defending"): "a past title"; else empty."""
    for child in noun.children:
        if child.lower_ in _PAST_TITLE or child.lemma_.lower() in _PAST_TITLE or (
                child.like_num and len(child.text) == 4 and child.text.isdigit()):
            return "a past title"
    return ""


def _elsewhen(verb: Token) -> str:
    """What a win told by ``verb`` is when it is not the contest's: "a round won on the way" ("beat X to advance to
    the third round"), "another year's win" ("beat Mancini in last year's Derby", also where "beat" is joined to the
    verb that says when); else empty."""
    for child in verb.children:
        if child.dep_ in ("advcl", "xcomp") and child.lemma_.lower() in _ON_THE_WAY and any(
                w.lemma_.lower() in _STAGES or w.lower_ in _STAGES for w in child.subtree):
            return "a round won on the way"
    heads = [verb, verb.head] if verb.dep_ == "conj" else [verb]
    for head in heads:
        for child in head.children:
            if child.dep_ not in ("prep", "dobj", "npadvmod"):
                continue
            if any(w.lemma_.lower() in _EDITIONS and any(a.lower_ in _EARLIER for a in w.children)
                   for w in child.subtree):
                return "another year's win"
    return ""


def _verb_doer(verb: Token) -> Token | None | bool:
    """Whom ``verb`` gives an outcome to; None when it tells one but no doer is found; False when it tells none."""
    lemma = verb.lemma_.lower()
    passive = is_passive(verb)
    if lemma in _WINNING:
        if lemma in _WITH_PRIZE and not any(c.dep_ == "dobj" and c.lemma_.lower() in _PRIZES for c in verb.children):
            return False
        if passive:  # "the race was won by Petro"
            return agent_of(verb)
        return subject_of(verb)
    if lemma in _CHOOSING:
        return receiver_of(verb)
    if lemma in _LOSING:
        return next((g for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"
                     for g in c.children if g.dep_ == "pobj"), False)
    return False


def _noun_doer(noun: Token) -> Token | None:
    """The one a "winner", "champion" or "victory" stands beside: "Petro is the champion", "Ruto was declared the
    winner", "Petro, the winner", "winner Gustavo Petro", "Petro's victory", "a victory for Petro"; None when it
    stands beside no one. A name that qualifies it names the contest, not the winner: "the NBA champions"."""
    if noun.lemma_.lower() in ("victory", "win"):  # "The vote was a victory for Petro": for Petro, not the vote
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in ("for", "of"):
                if (of := next((g for g in child.children if g.dep_ == "pobj"), None)) is not None:
                    return of
    passive_object = noun.dep_ == "dobj" and any(c.dep_ == "nsubjpass" for c in noun.head.children)
    if noun.dep_ in ("attr", "oprd") or passive_object:
        subject = dependent(noun.head, "nsubj", "nsubjpass")
        if subject is not None:
            return subject
    if noun.dep_ == "appos" or (noun.dep_ == "compound" and noun.head.pos_ == "PROPN"):
        return noun.head
    for child in noun.children:
        if child.dep_ in ("appos", "poss") and child.pos_ == "PROPN":
            return child
    return None


def _run(text: str, at: int) -> str:
    """The run of capitalised words of ``text`` from ``at``: "Columbia University"."""
    words = []
    for word in text[at:].split():
        if not word[:1].isupper():
            break
        words.append(word.strip(",.;:"))
    return " ".join(words)


def _asked(question: str) -> str:
    """What ``question`` asks, without the scene it sets: from its question word on, or a fill-in's last clause
    ("After nobody won the jackpot Tuesday, the prize ballooned to:" asks what the prize is, not who won)."""
    question = asking_sentence(question)
    if found := QUESTION_WORD.search(question):
        return question[found.start():]
    return question.rsplit(",", 1)[-1]
