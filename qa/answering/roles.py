"""The parts the names of an answer play: who acts, and who only reports.

A "who" question that asks for the one who acts ("Who could replace Boris Johnson?") also fixes the answer's order:
the new name comes before the name the question holds ("Rishi Sunak could replace Boris Johnson"), unless the
sentence turns it around with "by" ("Johnson could be replaced by Sunak"). "Boris Johnson could replace Jeremy Hunt"
has the roles reversed, however well a source about the two men matches it.

The one who reports a fact is not the one it is about: "Biden tested positive …, per White House press secretary
Karine Jean-Pierre" names Jean-Pierre only as the source of the news, so it supports no answer naming her as who
tested positive, unless the question asks who said it. Nor is a name the passage gives another part: "Sri Lanka has
plunged into chaos and its president has fled to Singapore" says the chaos is Sri Lanka's, not Singapore's.

Word order finds most of these; where it misleads, the sentence's grammar (:mod:`qa.answering.grammar`) decides:
"Florida Rep. Charlie Crist beat …" puts the question's "Florida" first, and Crist is still the subject who acts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.text import STOPWORDS, asking_sentence, stem, strip_markers, word_stems
from qa.answering.answer_type import (
    ASKING,
    CAPITALISED,
    CAPITALISED_RUN,
    NAME,
    asked_type,
    bare,
    given_names,
    is_new,
    place_names,
    question_words,
)
from qa.answering.grammar import agent_of, is_passive, main_verb, name_of, parse, phrase_of, receiver_of, subject_of
from qa.answering.owners import other_owner
from qa.answering.succession import reversed_succession
from qa.answering.winners import asks_who_won, outcomes

# "Who did X replace?" asks for the one acted on; "Who could replace X?" for the one who acts.
# "Who became Sri Lanka's president?" asks who is what, in either order.
_WHO_ACTS = re.compile(ASKING + r"who\s+(?!(?:did|does|do|is|was|are|were|will|would|has|have|had)\s+[A-Z])"
                       r"(?!(?:became|become|becomes|is|was|are|were)\b)\w+", re.IGNORECASE)
# A name inside a noun phrase the question names: "the Kenyan presidential election" is no party that could act.
_MODIFIER = re.compile(r"\b(?:the|a|an|its|his|her|their)\s([A-Z][\w'’\-]*)(?=\s+[a-z])")


def reversed_roles(question: str, sentence: str) -> str | None:
    """Why ``sentence`` puts the question's named party where the asked-for one acts; None when the order is right
    or cannot be told (see the module docstring).

    Example:
        >>> q = "Who could replace Boris Johnson?"
        >>> reversed_roles(q, "Boris Johnson could replace Jeremy Hunt [3].")
        'it gives the roles the other way round (Boris Johnson acts on Jeremy Hunt)'
        >>> reversed_roles(q, "Rishi Sunak could replace Boris Johnson [1].") is None
        True
        >>> reversed_roles(q, "Boris Johnson could be replaced by Rishi Sunak [1].") is None
        True
        >>> reversed_roles("Who won the Florida primary?", "Florida Rep. Charlie Crist beat Nikki Fried [1].") is None
        True
        >>> reversed_roles("Who won the Wyoming primary?", "Wyoming voters elected Harriet Hageman [1].") is None
        True
        >>> reversed_roles("Who could replace Sri Lanka's president?", "Sri Lanka's president is replaced by Ranil "
        ...                "Wickremesinghe [1].") is None
        True
    """
    if not _WHO_ACTS.search(question):
        return None
    modifiers = set(_MODIFIER.findall(question))
    held = {bare(name) for name in NAME.findall(question) if name not in modifiers}
    claim = strip_markers(sentence)
    asked = question_words(question)
    asked |= {bare(word) for word in asked}  # "Lanka" is the question's "Lanka's"
    names = list(_names_with_positions(claim))
    known = [(at, name) for at, name in names if bare(name) in held]
    new = [(at, name) for at, name in names if is_new(name, asked)]
    if not known or not new:
        return None
    known_at, new_at = known[0][0], new[0][0]
    names = {bare(n) for _, n in new}
    if new_at < known_at or " by " in claim[known_at:new_at] or _subject_holds(claim, names):
        return None
    # Asked who won, the one an outcome is given to won, whoever acts: "Wyoming voters elected Harriet Hageman".
    if asks_who_won(question) and any(o.named and names & {bare(w) for w in o.doer} for o in outcomes(claim)):
        return None
    return (f"it gives the roles the other way round ({_full(claim, known_at)} acts on {_full(claim, new_at)})")


def _subject_holds(claim: str, names: set[str]) -> bool:
    """Whether the one who acts in ``claim``'s main clause is named by one of ``names`` (bare): its subject, or "by"
    whom when it is passive. In "Florida Rep. Charlie Crist beat Nikki Fried" the question's "Florida" comes first,
    in a title, and Crist still acts. Only the name itself counts, not a description beside it: in "Shinzo Abe,
    Japan's longest-serving prime minister, died …", Japan does nothing."""
    root = main_verb(claim)
    if root is None:
        return False
    if is_passive(root):
        actor = agent_of(root)
    else:
        actor = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if actor is None:
        return False
    return any(bare(word) in names for word in name_of(actor).split())


def _names_with_positions(text: str) -> list[tuple[int, str]]:
    # Sentence-initial words count here ("Boris Johnson could…"); function words ("The", "It") are not names.
    return [(m.start(), m.group()) for m in CAPITALISED.finditer(text) if m.group().lower() not in STOPWORDS]


def _full(text: str, at: int) -> str:
    """The run of capitalised words starting at ``at``: "Boris Johnson"."""
    match = CAPITALISED_RUN.match(text, at)
    return match.group() if match else text[at:].split()[0]


# Verbs that report what someone else did or said: a name in their subject or object is a source, not an actor.
_REPORTING = (r"(?:said|says|say|told|tells|added|adds|wrote|writes|tweeted|posted|explained|noted|argued|stated|"
              r"reported|confirmed)")
# A word between who reports and the verb: "the fire department earlier confirmed", "police later said".
_ADVERB = r"(?:(?:earlier|later|also|previously|then|[a-z]+ly)\s+)?"
_ASKS_WHO_SAID = re.compile(
    r"\b(?:say|says|said|tell|told|announc\w*|confirm\w*|report\w*|claim\w*|warn\w*|writ\w*|wrote|tweet\w*|"
    r"reveal\w*|accus\w*|call\w*|criticis\w*|criticiz\w*|describ\w*|predict\w*|insist\w*|deni\w*|admit\w*|"
    r"spokes\w*|statement|comment\w*|interview\w*)\b",
    re.IGNORECASE,
)
_TITLE_RUN = r"(?:[\w'’\-]+\s+){0,6}?"  # "White House press secretary " before the name


def given_to_another(question: str, claim: str, source_sentence: str, around: Sequence[str] = ()) -> str | None:
    """Why ``source_sentence`` gives the part ``claim`` gives its names to someone else: it names them only as who
    reported it (:func:`only_reports`), gives the deed the question asks about to another (:func:`another_actor`),
    gives the claim's own deed to another party (:func:`deed_of_another`), tells the claim's succession the other
    way round (:func:`qa.answering.succession.reversed_succession`), or tells of another's thing
    (:func:`qa.answering.owners.other_owner`: Turkey's inflation rate for the US's). None when none of these holds.

    ``around``, the sentences shown around it in order: those that name a name the claim gives and ``source_sentence``
    does not are read with it, for they tell that name's part. Asked who tested positive, the 0.5B named "Kelsey
    Donohue", resting on "Biden … tested positive again" beside "…, her deputy communications director Kelsey Donohue
    confirmed to CNN."
    """
    plain = strip_markers(claim)
    missing = [m.group() for m in given_names(question, plain) if not _names(m.group(), source_sentence)]
    naming = [s for s in around if s != source_sentence and any(_names(n, s) for n in missing)]
    if naming:
        source_sentence = " ".join(s for s in around if s == source_sentence or s in naming)
    return (only_reports(question, claim, source_sentence) or another_actor(question, claim, source_sentence)
            or deed_of_another(claim, source_sentence) or reversed_succession(claim, source_sentence)
            or other_owner(claim, source_sentence))


def _names(name: str, sentence: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", sentence) is not None


def only_reports(question: str, claim: str, source_sentence: str) -> str | None:
    """Why ``source_sentence`` does not support ``claim``'s answer to a "who"/"which" ``question``: the new names the
    claim gives appear in it only as who reported the news ("…, per X", "according to X", "X said …"). None when
    one of them appears otherwise, when the question asks who said something, or when it asks no "who"/"which".

    Example:
        >>> q = "Which high-ranking US official tested positive for Covid-19 this week?"
        >>> src = "Biden tested positive for Covid-19, per White House press secretary Karine Jean-Pierre."
        >>> only_reports(q, "Karine Jean-Pierre tested positive for Covid-19 [1].", src)
        'the passage names Karine Jean-Pierre only as who reported it'
        >>> only_reports(q, "Joe Biden tested positive for Covid-19 [1].", src) is None
        True
        >>> only_reports("Who said Biden tested positive?", "Karine Jean-Pierre said so [1].", src) is None
        True
        >>> only_reports("Who is Liz Truss running against?", "Ben Wallace has said Truss is the only candidate.",
        ...              "Ben Wallace has said Liz Truss is the only candidate.")
        'the passage names Ben Wallace only as who reported it'
    """
    if asked_type(question) not in ("who", "which") or _ASKS_WHO_SAID.search(question):
        return None
    plain = strip_markers(claim)
    # A place is where it happened, not who did it: "… at the Nara Medical University hospital, Kishida said".
    places = place_names(source_sentence)
    new = [m for m in given_names(question, plain) if m.group() not in places]
    found = [m.group() for m in new if _names(m.group(), source_sentence)]
    if not found or any(not _reporter_only(name, source_sentence) for name in found):
        return None
    first = next(m for m in new if m.group() in found)
    return f"the passage names {_full(plain, first.start())} only as who reported it"


def _reporter_only(name: str, sentence: str) -> bool:
    """Whether every mention of ``name`` in ``sentence`` is in a phrase that credits it with the report."""
    word = re.escape(name)
    # The name with the capitalised words joined to it: "Karine Jean-Pierre" for "Karine".
    person = rf"(?:[A-Z][\w'’\-]*\s+)*{word}(?:\s+[A-Z][\w'’\-]*)*"
    credits = (
        rf"\b(?:according\s+to|per|said|says|told|tells)\s+{_TITLE_RUN}{person}",  # "…, per press secretary X"
        rf"\b{_REPORTING}\s+to\s+{person}",  # whom it was reported to: "… confirmed to CNN that …"
        # "X, a spokesperson, (has) said …", "the X Fire Department earlier confirmed …"
        rf"{person}(?:,[^,]{{1,80}},)?\s+(?:has\s+|have\s+|had\s+)?{_ADVERB}{_REPORTING}\b",
        # A name in the aside that describes whoever reports: "UEFA, European football's governing body, says …".
        rf"[A-Z][\w'’\-]*,[^,]{{1,80}},\s+(?:has\s+|have\s+|had\s+)?{_REPORTING}\b",
    )
    mentions = [m.span() for m in re.finditer(rf"\b{word}\b", sentence)]
    credited = [m.span() for pattern in credits for m in re.finditer(pattern, sentence)]
    return bool(mentions) and all(any(a <= start and end <= b for a, b in credited) for start, end in mentions)


# A name, then what it did: "Sri Lanka has plunged", "Gustavo Petro was elected".
# Only a past form, or a word after an auxiliary, is read as the verb: "Alphabet stock …" is no deed of Alphabet's.
_ACTOR = re.compile(r"\b((?:[A-Z][\w'’\-]*\s+){0,3}[A-Z][\w'’\-]*)\s+"
                    r"(?:(?:has|have|had|was|were|is|are)\s+([a-z]+)|([a-z]+ed))\b")


def another_actor(question: str, claim: str, source_sentence: str) -> str | None:
    """Why ``source_sentence`` gives what a "who"/"which" ``question`` asks about to another name than ``claim``'s;
    None when it does not, or cannot be told.

    The question's deed is one of its words used as a verb right after a name in the source ("Sri Lanka has
    plunged into chaos"). When that name is new to the question and the claim does not give it, the claim's new
    name plays another part in the sentence.

    Example:
        >>> q = "Which island nation plunged into chaos, prompting its leader to flee?"
        >>> src = "Sri Lanka has plunged into chaos and its president has fled to Singapore."
        >>> another_actor(q, "The island nation that plunged into chaos is Singapore [2].", src)
        'the passage says this of Sri Lanka, not of Singapore'
        >>> another_actor(q, "Sri Lanka plunged into chaos [2].", src) is None
        True
        >>> another_actor(q, "The nation is Singapore [1].", "Sri Lanka, whose president fled to Singapore on "
        ...               "Wednesday, plunged into chaos.")
        'the passage says this of Sri Lanka, not of Singapore'
        >>> another_actor("Which city did Zelensky visit?", "Zelensky visited Izium [1].",
        ...               "Ukrainian President Volodymyr Zelenskyy visited Izium.") is None
        True
    """
    if asked_type(question) not in ("who", "which") or _asks_an_object(asking_sentence(question)):
        return None
    plain = strip_markers(claim)
    given = given_names(question, plain)
    if not given:
        return None
    asked = question_words(question)
    deeds = word_stems(question)
    claimed = {bare(n) for n in CAPITALISED.findall(plain)}
    for match in _ACTOR.finditer(source_sentence):
        name, verb = match.group(1), match.group(2) or match.group(3)
        words = [w for w in name.split() if w.lower() not in STOPWORDS]
        if stem(verb) not in deeds or not words or not any(is_new(w, asked) for w in words):
            continue
        if any(bare(w) in claimed for w in words):
            return None
        return f"the passage says this of {' '.join(words)}, not of {_full(plain, given[0].start())}"
    # By the grammar, compared with the claim's new names only: a description beside the doer often holds the
    # question's words ("Grassley, the longest-serving Republican in the US Senate" for a Republican primary).
    doers = [(name, words) for name, words in _doers_of_the_deed(question, source_sentence)
             if any(is_new(w, asked) for w in words)]
    named = {bare(m.group()) for m in given}
    if doers and not any(bare(w) in named for _, words in doers for w in words):
        return f"the passage says this of {doers[0][0]}, not of {_full(plain, given[0].start())}"
    return None


# Verbs whose subject speaks for a party: "Russia said …" may rest on "the Kremlin said …" or "Putin said …", so
# another speaker named in the passage is no grounds to refuse.
_SPEAKING = frozenset("say tell add write tweet post explain note argue state report confirm announce warn claim call "
                      "urge accuse deny insist describe".split())


def deed_of_another(claim: str, source_sentence: str) -> str | None:
    """Why ``source_sentence`` gives ``claim``'s deed to another party: the claim's main verb has a named subject,
    and the passage gives the same verb only to other named subjects. Asked what NATO agreed at its summit, the 0.5B
    wrote "NATO agreed … to drop its objections to their membership bids", resting on "Turkey agreed on Tuesday to
    drop its objections …": the same words, another party. None when one of the passage's doers may be the claim's
    (a word in common, or a short form: "the Fed" for "the Federal Reserve", "FBI"), when either names no doer, and
    for verbs of saying.

    Example:
        >>> src = "Turkey agreed on Tuesday to drop its objections to their membership bids."
        >>> deed_of_another("NATO agreed at its Madrid summit to drop its objections [1].", src)
        'the passage says this of Turkey, not of NATO'
        >>> deed_of_another("Turkey dropped its objections [1].", "Turkey agreed to drop its objections.") is None
        True
        >>> deed_of_another("NATO dropped its objections [1].", "Turkey agreed to drop its objections.")
        'the passage says this of Turkey, not of NATO'
        >>> deed_of_another("The Fed raised rates [1].", "The Federal Reserve raised its key rate by 0.75%.") is None
        True
        >>> deed_of_another("Russia said the talks failed [1].", "Putin said the talks had failed.") is None
        True
        >>> deed_of_another("Ayman al-Zawahiri was killed in a raid in Pakistan in 2011 [4].", "If Zawahiri lacked the "
        ...                 "charisma of bin Laden, killed in a raid in Pakistan in 2011, his influence was huge.")
        'the passage says this of bin Laden, not of Ayman al-Zawahiri'
        >>> deed_of_another("Zawahiri was killed by a drone [1].",
        ...                 "A US drone strike killed Ayman al-Zawahiri.") is None
        True
    """
    root = main_verb(strip_markers(claim))
    if root is None or root.pos_ != "VERB" or root.lemma_.lower() in _SPEAKING:
        return None
    passive = is_passive(root)  # then the deed is done to its subject: it must be done to that one in the passage
    subject = next((c for c in root.children if c.dep_ == ("nsubjpass" if passive else "nsubj")), None)
    claimed, named = phrase_of(subject)
    if not named:
        return None
    doers = (_patients if passive else _doers)(source_sentence, root.lemma_.lower())
    # A doer without a name ("the alliance", "it") may be the claim's.
    if not doers or not all(named for _, _, named in doers) or any(_may_be_one(claimed, w) for _, w, _ in doers):
        return None
    return f"the passage says this of {doers[0][0]}, not of {name_of(subject)}"


def _patients(sentence: str, verb: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """Whom ``sentence`` gives each use of the verb ``verb`` (a lemma) as done to, as :func:`_doers` gives who did
    it: the subject of a passive use ("Zawahiri was killed"), the object of an active one, and the name a participle
    hangs on ("bin Laden, killed in a daring raid", which the small parser often hangs elsewhere)."""
    patients = []
    for token in parse(sentence):
        if token.lemma_.lower() != verb or token.pos_ != "VERB":
            continue
        before = token.doc[token.i - 2] if token.i >= 2 and token.doc[token.i - 1].text == "," else None
        if is_passive(token):
            patient = receiver_of(token)
        elif token.dep_ == "acl":
            patient = token.head
        elif token.tag_ == "VBN" and before is not None and before.pos_ == "PROPN" and not any(
                c.dep_ in ("nsubj", "aux") for c in token.children):
            patient = before
        else:
            patient = receiver_of(token)
        words, named = phrase_of(patient)
        patients.append((name_of(patient) if patient is not None else "", words, named))
    return patients


def _may_be_one(these: tuple[str, ...], those: tuple[str, ...]) -> bool:
    """Whether two names' words may name one party: a word in common, or one a short form of the other ("Fed" for
    "Federal Reserve", "FBI" for "Federal Bureau of Investigation", "U.S." for "United States")."""
    a, b = [bare(w).replace(".", "") for w in these], [bare(w).replace(".", "") for w in those]
    if set(a) & set(b):
        return True
    for short, full in ((a, b), (b, a)):
        initials = "".join(w[:1] for w in full)
        if any(len(w) >= 2 and (w == initials or (len(w) >= 3 and any(f.startswith(w) for f in full))) for w in short):
            return True
    return False


def _doers_of_the_deed(question: str, sentence: str) -> list[tuple[str, tuple[str, ...]]]:
    """The named subjects ``sentence`` gives the deed to that ``question`` asks who did, read from the parse of
    both: asked "Which island nation plunged into chaos?", "Sri Lanka, whose president fled to Singapore on
    Wednesday, plunged into chaos" gives it to Sri Lanka, however far the verb is from the name. Only a question
    whose asked one is the subject of an active verb is read ("Which MP was tipped by the Daily Mail?" names the one
    tipped), and only active uses of that verb in the sentence."""
    verb = _asked_subjects_verb(asking_sentence(question))
    if verb is None:
        return []
    return [(name, words) for name, words, named in _doers(sentence, verb) if named]


def _doers(sentence: str, verb: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """Whom ``sentence`` gives each active use of the verb ``verb`` (a lemma) to: the subject's name, the words of
    its phrase, and whether that phrase is a name (see :func:`qa.answering.grammar.phrase_of`)."""
    doers = []
    for token in parse(sentence):
        if token.lemma_.lower() != verb or token.pos_ != "VERB" or is_passive(token):
            continue
        subject = subject_of(token)
        words, named = phrase_of(subject)
        doers.append((name_of(subject) if subject is not None else "", words, named))
    return doers


# "Which city did Zelensky visit", "Whom will the Senate confirm": an auxiliary, then the doer by name.
_DOER_GIVEN = re.compile(r"^\W*(?i:who|whom|which|what)\b[^?]*?\b(?i:did|does|do|will|would|can|could|has|have|had)\s+"
                         r"(?:the\s+)?[A-Z]")


def _asks_an_object(question: str) -> bool:
    """Whether ``question`` asks for what its deed is done to, its doer given: "Which city did Zelensky visit?" asks
    for the city, and "Ukrainian President Volodymyr Zelenskyy visited …" gives the visit to the one it names."""
    if _DOER_GIVEN.search(question):  # the small parser reads "Which city did Zelensky visit?" with city as subject
        return True
    for token in parse(question):
        if token.lower_ in ("who", "whom", "which", "what"):
            asked = token.head if token.dep_ == "det" else token
            return asked.dep_ in ("dobj", "pobj", "dative")
    return False


def _asked_subjects_verb(question: str) -> str | None:
    """The lemma of the active verb whose subject ``question`` asks for ("Which nation plunged …?": plunge)."""
    for token in parse(question):
        if token.lower_ not in ("who", "which", "what"):
            continue
        asked = token.head if token.dep_ == "det" else token
        verb = asked.head
        if asked.dep_ == "nsubj" and verb.pos_ == "VERB" and not is_passive(verb):
            return verb.lemma_.lower()
        return None
    return None
