"""What kind of thing a question asks for, and whether an answer sentence gives one.

A "who" question is answered by a name, a "when" question by a time, a "where" question by a place (a name, or a place
noun: "headed to the moon"), a "how many" or "how long" question by a number, a "how old" question by an age (a number
that counts no millions or percent: "17 million kids"). An answer sentence whose new words (those the question does
not hold) contain no such thing has not answered, however well a source matches it: "The park was hit by flooding this
week" for "When was Yellowstone flooded?" restates; "Officials won the election" for "Who won?" names nobody.

The parts the names play (who acts, who only reports) are :mod:`qa.answering.roles`.

An answer must also add news: its words are compared with the question's as stems, with the question's short forms
spelled out and words that add no fact left aside (:func:`new_words`).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from index.text import STOPWORDS, asking_sentence, content_words, stem, strip_markers, word_stems
from qa.answering.grammar import parse
from qa.answering.quantities import FIGURE_ASKED, wrong_figure

# A quiz question often sets the scene first: "MLB held its All-Star Game on Tuesday. Who was the game's MVP?"
ASKING = r"(?:^|[.!?:;]\s+)\s*"
_WHO = re.compile(
    ASKING + r"(?:who|whom|whose)\b|\bwhich (?:person|man|woman|player|politician|company|team|country)\b",
    re.IGNORECASE,
)
# "Who is eligible for student loan forgiveness?" asks which people, a kind: "borrowers earning under $125,000".
_WHO_QUALIFIES = re.compile(r"\bwho\s+(?:is|are|was|were|will\s+be|would\s+be)\s+(?:most\s+|now\s+)?"
                            r"(?:eligible|affected|allowed|entitled|covered|exempt|required|qualified|at\s+risk)\b",
                            re.IGNORECASE)
# "Which retailer / island nation / 23-time champion …?" asks for something with a name: the answer must name one.
# Kinds whose answers are common nouns ("which disease": polio; "which condiment": mustard) are left out on purpose.
# Kinds of people: a place the answer names is where it happened, not who ("which member …?", like "who …?").
_PERSONS = (
    "person people man woman player players star stars singer popstar actor actress artist rapper champion "
    "politician politicians official officials minister mp senator governor candidate candidates leader member "
    "republican republicans democrat democrats"
)
_PERSON_KINDS = frozenset(_PERSONS.split())
_NAMED_KINDS = (
    _PERSONS + " band "
    "company companies firm retailer retailers brand chain automaker carmaker maker airline airlines bank network "
    "broadcaster streamer platform app website newspaper magazine team teams club league university school agency "
    "party court country countries nation nations state states city cities town province region island park "
    "attraction landmark show shows series film films movie movies album song book novel holiday festival "
    "group organisation organization prize award"
).split()
_AUXILIARY = r"(?:did|does|do|is|was|are|were|has|have|had|will|would|can|could|should|might|must)\b"
# A question that asks whether something is so ("Did Liz Truss resign?", "Has Musk completed the purchase?", "True or
# false: …"): its answer is the question itself, affirmed or denied.
_YES_NO = re.compile(r"\s*(?:" + _AUXILIARY + r"|true or false\b)", re.IGNORECASE)
_WHICH_NAMED = re.compile(
    r"\bwhich\s+((?:(?!" + _AUXILIARY + r")[\w'’\-]+\s+){0,4}?)(" + "|".join(_NAMED_KINDS) + r")\b"
    r"|\bwhat\s+()(" + "|".join(_NAMED_KINDS) + r")\b",
    re.IGNORECASE,
)
# "When" opens the question, or ends it ("… voted to strike indefinitely from when?").
_WHEN = re.compile(ASKING + r"when\b|\bwhen\?\s*$|\bwhat (?:day|date|year|month|time)\b", re.IGNORECASE)
_WHERE = re.compile(ASKING + r"where\b|\bwhere\?\s*$", re.IGNORECASE)
# A place without a name: "headed to the moon", "at a hospital". A name is the usual answer to "where".
_PLACE_NOUN = re.compile(
    r"\b(?:in|at|to|into|near|outside|from|on)\s+(?:the|a|an|its|their|his|her)\s+(?:[\w'’\-]+\s+){0,2}?"
    r"(?:moon|sun|space|orbit|city|town|village|suburb|state|country|region|capital|county|province|island|coast"
    r"|border|sea|ocean|river|lake|park|airport|hospital|school|campus|church|stadium|arena|prison|jail|hotel|beach"
    r"|mountains?|desert|forest|station|base|port|camp|embassy|courthouse|building|area|site|scene|venue)s?\b",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:percentage|share|number|amount)\b", re.IGNORECASE)
_HOW_LONG = re.compile(r"\bhow long\b", re.IGNORECASE)
_HOW_OLD = re.compile(r"\bhow old\b|\b(?:what|which) age\b|\bage (?:range|group|bracket|limit)s?\b", re.IGNORECASE)

_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec").split()
_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_RELATIVE = ("today yesterday tomorrow tonight week weekend month year morning evening night ago earlier later "
             "recently spring summer autumn fall winter decade century").split()
CALENDAR = frozenset(_MONTHS + _DAYS) - {"may"}  # Theresa May is a name
_TIME = re.compile(r"\b(?:\d{1,4}|" + "|".join(_MONTHS + _DAYS + _RELATIVE) + r")\b", re.IGNORECASE)
_ASKING_WORDS = frozenset("what which who whom whose where when".split())
_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve dozen dozens twenty thirty forty "
                 "fifty hundred hundreds thousand thousands million millions billion billions trillion half "
                 "quarter third several all none no").split()
_DECADES = re.compile(r"\b(?:decades?|centur(?:y|ies))\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
# An age is a number that counts no crowd or share: "6 months to 6 years", "under 5", "101", not "17 million kids".
_AGE_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
              "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety").split()
_AGE = re.compile(r"(?<![\w.,\-])\b(?:\d+|" + "|".join(_AGE_WORDS) + r")\b(?![.,]?\d)"
                  r"(?!\s*(?:%|percent\b|per cent\b|(?:thousand|million|billion|trillion)s?\b))", re.IGNORECASE)
# A capitalised word that is not the first of its sentence: a name (of a person, party, company or country).
NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w'’\-]*")
CAPITALISED = re.compile(r"\b[A-Z][\w'’\-]*")
# The generic word of a body's name: "the Conservative Party" is the question's own "Conservative" body.
_BODIES = frozenset("party department ministry committee council court office government house senate "
                    "administration agency union league club association".split())
CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*")  # "Former Prime Minister Shinzo Abe"
# A possessive before a title in lower case, then a name: "Japan's former prime minister Shinzo Abe".
_POSSESSIVE_TITLE = re.compile(r"\b([A-Z][\w\-]*['’]s)\s+(?:[a-z][\w\-]*\s+){1,4}([A-Z][\w'’\-]*)")
# The same in a source's whole text, where a sentence may also open a paragraph or follow a closing quote: "Others"
# opening a paragraph is no name.
_NAME_IN_TEXT = re.compile(r"(?<!^)(?<!\n)(?<![.!?]\s)(?<![.!?][\"”’')]\s)\b[A-Z][\w'’\-]*")
# Where something happened: "in Nara, Japan", "in the capital Nairobi", "near the Ukrainian city of Kharkiv", "at the
# Nara Medical University hospital".
_PLACE_PHRASE = re.compile(r"\b(?:in|at|near|outside|across|throughout)\s+(?:the\s+)?(?:[a-z]+\s+){0,3}"
                           r"((?:[A-Z][\w'’\-]*,?\s+)*[A-Z][\w'’\-]*)")


# Short forms a question uses for what an answer may spell out: "a US drone strike" holds "the United States", so
# an answer naming "the United States" names nothing new. Case-sensitive: "us" and "un" are also words.
SHORT_FORMS = (
    (re.compile(r"\bU\.?S\.?(?=\W|$)|\bAmerica(?:n|ns)?\b"), "united states america american"),
    (re.compile(r"\bU\.?K\.?(?=\W|$)|\bBritain\b|\bBritish\b"), "united kingdom britain british"),
    (re.compile(r"\bEU\b"), "european union"),
    (re.compile(r"\bUN\b"), "united nations"),
)
# Words that add no fact to what a question holds: "KFC rolled out the new menu this week" answers nothing new for
# "Which menu item did KFC roll out this week?".
_VAGUE = frozenset(word_stems("new now recently currently officially also still latest reportedly indeed"))
_NEAR_SPELLING = 0.85  # "AirlineRatings.com" for the question's "AirlineRankings.com"
_NEAR_LENGTH = 7  # shorter words differ in one letter and mean another thing ("Kemp", "Kent")


# Irregular verb forms, as their base: "Hageman won the primary" says nothing new to "Did Hageman win the primary?".
_IRREGULAR = {form: base for base, forms in (
    ("win", "won"), ("lose", "lost"), ("take", "took taken"), ("give", "gave given"), ("make", "made"),
    ("say", "said"), ("tell", "told"), ("leave", "left"), ("go", "went gone"), ("come", "came"),
    ("become", "became"), ("fall", "fell fallen"), ("rise", "rose risen"), ("get", "got gotten"), ("hold", "held"),
    ("meet", "met"), ("pay", "paid"), ("sell", "sold"), ("buy", "bought"), ("bring", "brought"), ("find", "found"),
    ("shoot", "shot"), ("strike", "struck stricken"), ("lead", "led"), ("send", "sent"), ("spend", "spent"),
    ("seek", "sought"), ("keep", "kept"), ("begin", "began begun"), ("break", "broke broken"), ("choose", "chose "
    "chosen"), ("drive", "drove driven"), ("flee", "fled"), ("fly", "flew flown"), ("grow", "grew grown"),
    ("know", "knew known"), ("see", "saw seen"), ("speak", "spoke spoken"), ("steal", "stole stolen"),
    ("swear", "swore sworn"), ("throw", "threw thrown"), ("write", "wrote written"), ("build", "built"),
    ("sink", "sank sunk"), ("run", "ran"), ("stand", "stood"), ("sit", "sat"), ("feel", "felt"), ("hear", "heard"),
    ("bear", "bore born borne"), ("forgive", "forgave forgiven"), ("freeze", "froze frozen"), ("hide", "hid hidden"),
) for form in forms.split()}


def new_words(question: str, claim: str) -> set[str]:
    """The stems of ``claim``'s content words that say something ``question`` does not hold.

    Not new: the question's own words in another form ("rolled" for "roll", "won" for "win"), a spelled-out short
    form it uses ("the United States" for "US"), another spelling of one of its long words ("AirlineRatings.com" for
    "AirlineRankings.com"), and words that add no fact ("new", "now", "officially").

    Example:
        >>> q = "Which menu item did KFC roll out this week?"
        >>> new_words(q, "KFC rolled out the new menu this week."), new_words(q, "KFC rolled out nuggets.")
        (set(), {'nugget'})
        >>> new_words("Which group did a US drone strike target?", "The drone strike targeted the United States.")
        set()
        >>> new_words("Did Harriet Hageman win the Wyoming primary?", "Harriet Hageman won the Wyoming primary.")
        set()
    """
    asked = content_words(question) | content_words(spelled_out(question))
    known = {stem(_IRREGULAR.get(word, word)) for word in asked} | _VAGUE
    stems = {word: stem(_IRREGULAR.get(word, word)) for word in content_words(strip_markers(claim))}
    return {s for word, s in stems.items() if s not in known and not any(_near(word, other) for other in asked)}


def asked_back(question: str, claim: str) -> str | None:
    """The question's asking words that ``claim`` repeats, as the question has them ("do what this"); None when it
    does not. A sentence that still asks answers nothing, whatever else it says: "The IRS announced it will do what
    this week by ending 2022 without a backlog" (the 0.5B, dev).

    Example:
        >>> q = "The IRS announced it will do what this week?"
        >>> asked_back(q, "The IRS announced it will do what this week by ending 2022 [1]."), asked_back(q, "It will "
        ...     "finish the backlog this week [1].")
        ('do what this', None)
        >>> asked_back("What did the IRS announce?", "The IRS announced what it called a plan [1].") is None
        True
    """
    words = re.findall(r"[\w'’\-]+", question.lower())
    said = " ".join(re.findall(r"[\w'’\-]+", strip_markers(claim).lower()))
    for at, word in enumerate(words):
        if word in _ASKING_WORDS and 0 < at < len(words) - 1:
            phrase = " ".join(words[at - 1: at + 2])
            if re.search(rf"\b{re.escape(phrase)}\b", said):
                return phrase
    return None


def spelled_out(question: str) -> str:
    """The long forms of the short ones ``question`` uses ("US": "united states america american")."""
    return " ".join(words for pattern, words in SHORT_FORMS if pattern.search(question))


def _near(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= _NEAR_LENGTH and SequenceMatcher(None, a, b).ratio() >= _NEAR_SPELLING


def asks_yes_no(question: str) -> bool:
    """Whether ``question`` (its asking sentence) asks whether something is so, not for a thing.

    Example:
        >>> asks_yes_no("Did Liz Truss resign?"), asks_yes_no("Truss quit. Has Sunak replaced her?")
        (True, True)
        >>> asks_yes_no("Who did Liz Truss replace?"), asks_yes_no("Which team did he join?")
        (False, False)
    """
    return bool(_YES_NO.match(asking_sentence(question)))


def asked_type(question: str) -> str | None:
    """``"who"``, ``"when"``, ``"where"``, ``"how many"``, ``"how long"``, ``"how old"``, or None for questions whose
    answer has no checkable kind.

    Example:
        >>> asked_type("Who won Colombia's election?"), asked_type("When did it open?"), asked_type("How many died?")
        ('who', 'when', 'how many')
        >>> asked_type("Kids became eligible for vaccines. What is the age range?")
        'how old'
        >>> asked_type("What is the US inflation rate?"), asked_type("What was the interest rate decision?")
        ('how many', None)
        >>> asked_type("What did the council decide?") is None, asked_type("Who is eligible for the refund?") is None
        (True, True)

    The kind is the asking sentence's, the last: a follow-up searched with the question before it ("Who shot Shinzo
    Abe? What weapon did he use?") asks what the follow-up asks.

        >>> asked_type("Who shot Shinzo Abe? What weapon did he use?") is None
        True
    """
    question = asking_sentence(question)
    if _HOW_OLD.search(question):
        return "how old"
    if _HOW_MANY.search(question) or FIGURE_ASKED.search(question):
        return "how many"
    if _HOW_LONG.search(question):
        return "how long"
    if _WHEN.search(question):
        return "when"
    if _WHERE.search(question):
        return "where"
    if _WHO.search(question) and not _WHO_QUALIFIES.search(question):
        return "who"
    if _WHICH_NAMED.search(question):
        return "which"
    return None


def missing_answer_type(question: str, sentence: str, context: str = "") -> str | None:
    """Why ``sentence`` does not give the kind of thing ``question`` asks for; None when it does or when the
    question asks for no particular kind.

    Only the sentence's new words count: a name or number the question already holds answers nothing. ``context``
    is source text: a word it capitalises mid-sentence is a name also where the sentence starts with it ("Walmart
    announced …" answers "which retailer"; "Flights are …" does not).

    Example:
        >>> missing_answer_type("Who won Colombia's presidential election?", "Gustavo Petro won the election [1].")
        >>> missing_answer_type("Who won Colombia's presidential election?", "The leftist won the election [1].")
        'it names nobody, and the question asks who'
        >>> missing_answer_type("Who killed Shinzo Abe?", "Former Japanese Prime Minister Shinzo Abe died Friday.")
        'it names nobody, and the question asks who'
        >>> missing_answer_type("Who won the Kenyan election?", "Kenyan Deputy President William Ruto won it.")
        >>> missing_answer_type("How many people died?", "Officials said people died.")
        'it gives no number, and the question asks how many'
        >>> missing_answer_type("What is the age range?", "About 17 million kids will become eligible [3].")
        'it gives no age, and the question asks how old'
    """
    kind = asked_type(question)
    if kind is None:
        return None
    claim = strip_markers(sentence)
    asked = question_words(question) | content_words(question) | question_words(spelled_out(question))
    kind_asked = _asked_kind(question) if kind == "which" else kind
    if kind == "who" or kind_asked in _PERSON_KINDS:
        # A weekday or month is no one ("… made history Thursday when she was sworn in" names nobody new), nor is a
        # place where something happened ("… to the tallying center in the capital Nairobi"; "Biden, who is in
        # Rehoboth Beach, Delaware, tested positive" for which member of the Biden administration).
        places = place_names(claim)
        if [name for name in _new_names(claim, asked, context, question) if name not in places]:
            return None
        return "it names nobody, and the question asks who" if kind == "who" else \
            f"it names no {kind_asked}, and the question asks which {kind_asked}"
    if kind == "where":
        if _new_names(claim, asked, context, question) or _PLACE_NOUN.search(claim):
            return None
        return "it names no place, and the question asks where"
    if kind == "which":
        if _new_names(claim, asked, context, question):
            return None
        return f"it names no {kind_asked}, and the question asks which {kind_asked}"
    new = " ".join(w for w in re.findall(r"[\w'’\-]+", claim) if w.lower() not in asked)
    if kind == "when":
        return None if _TIME.search(new) else "it gives no time, and the question asks when"
    if kind == "how old":
        # Searched in the claim itself, since the words of ``new`` have lost their "%".
        ages = [m.group(0) for m in _AGE.finditer(claim) if m.group(0).lower() not in asked]
        return None if ages else "it gives no age, and the question asks how old"
    if kind == "how long":  # "nine years", "for decades"; not "Biden called the sentence unacceptable"
        return None if _NUMBER.search(new) or _DECADES.search(new) else "it gives no length, and it asks how long"
    if not _NUMBER.search(new):
        return "it gives no number, and the question asks how many"
    return wrong_figure(question, claim, asked)


def _asked_kind(question: str) -> str:
    match = _WHICH_NAMED.search(asking_sentence(question))
    return (match.group(2) or match.group(4)).lower() if match else "one"


def _new_names(claim: str, asked: set[str], context: str, question: str) -> list[str]:
    """Names in ``claim`` that the question does not hold: capitalised words past the sentence's first (not months
    or weekdays), and the first word too when another capitalised word follows it ("American Airlines trims …") or
    the context capitalises it mid-sentence ("Walmart announced …", "Google's stock …"), so that "Flights are …"
    names nothing."""
    # "I" in a quote ("to serve, as I will") or a capitalised word after a quote's opening ("“It is …”") is no name.
    names = [n for n in NAME.findall(claim) if is_new(n, asked) and n.lower() not in STOPWORDS]
    opening = re.match(r"\W*([A-Z][\w'’\-]*)(\s+[A-Z])?", claim)
    if opening and is_new(opening.group(1), asked) and opening.group(1).lower() not in STOPWORDS:
        known = opening.group(2) or bare(opening.group(1)) in {bare(n) for n in _NAME_IN_TEXT.findall(context)}
        if known:
            names.append(opening.group(1))
    titles = _titles_of_asked(claim, question)
    return [n for n in names if n not in titles]


def _titles_of_asked(claim: str, question: str) -> set[str]:
    """The words of the question's own party's title: in a run of capitalised words, the name comes last, so a run
    that ends in a name the question holds ("Former Japanese Prime Minister Shinzo Abe" for "Who killed Shinzo
    Abe?") names no one else, while one that ends in a new name ("Kenyan President William Ruto") does. The name
    must be one in the question too: "Yellowstone National Park" answers "Which national park?"."""
    held = {bare(word) for word in NAME.findall(question)}
    runs = [run.split() for run in CAPITALISED_RUN.findall(claim)]
    # A name the question uses only to qualify a thing ("the Biden administration") is not its party: "First lady
    # Jill Biden" names a member of it.
    parties = held - _qualifiers(question)
    # The question's own body with its generic word: "the Conservative Party" for "… as Conservative leader?".
    own = [run for run in runs
           if bare(run[-1]) in parties or all(bare(w) in held | _BODIES or w.lower() in STOPWORDS for w in run)]
    # A possessive before a title in lower case: "Japan's former prime minister Shinzo Abe".
    own += [[m.group(1)] for m in _POSSESSIVE_TITLE.finditer(claim) if bare(m.group(2)) in held]
    # With the parts of hyphenated words, which a name pattern finds alone: "Japanese" in "Then-Japanese".
    return {part for run in own for word in run for part in (word, *word.split("-"))}


def _qualifiers(question: str) -> set[str]:
    """The names ``question`` uses only to qualify a common noun, lowercased: "Biden" in "Which member of the Biden
    administration …?", not "Johnson" in "Who will replace Boris Johnson?"."""
    names = [token for token in parse(question) if token.pos_ == "PROPN"]
    qualifying = {bare(t.text) for t in names if t.dep_ == "compound" and t.head.pos_ == "NOUN"}
    return qualifying - {bare(t.text) for t in names if not (t.dep_ == "compound" and t.head.pos_ == "NOUN")}


def given_names(question: str, claim: str) -> list[re.Match[str]]:
    """The capitalised words of ``claim`` (markers stripped) that ``question`` does not hold: the names it gives as
    its answer, sentence-initial ones included, function words ("The", "It") not."""
    asked = question_words(question)
    return [m for m in CAPITALISED.finditer(claim) if is_new(m.group(), asked) and m.group().lower() not in STOPWORDS]


def place_names(text: str) -> set[str]:
    """The capitalised words of ``text`` that name where something happened, not who did it.

    Example:
        >>> sorted(place_names("Abe is being treated at the Nara Medical University hospital, Kishida said."))
        ['Medical', 'Nara', 'University']
    """
    return {word for phrase in _PLACE_PHRASE.findall(text) for word in CAPITALISED.findall(phrase)}


def bare(word: str) -> str:
    """``word`` lowercased without a possessive ending: "Google's" → "google"."""
    return re.sub(r"['’]s?$", "", word.lower())


def question_words(question: str) -> set[str]:
    """The question's words, lowercased, as the checks below compare a claim's names with them."""
    return {w.lower() for w in re.findall(r"[\w'’\-]+", question)}


def is_new(word: str, asked: set[str]) -> bool:
    """Whether ``word`` says something the question does not: not one of its words (nor their possessive), and
    not a month or weekday."""
    plain = word.lower().rstrip("'s’")
    return word.lower() not in asked and plain not in asked and plain not in CALENDAR
