"""The word lists behind :mod:`qa.speakers.attribution`: speech verbs, titles and roles, and the small words
that tell a speaker's name from the rest of a sentence; and behind :mod:`qa.speakers.topics`: the news synonyms
of a topic's head noun. Tuned on the sample archive and on 2022 news.
"""

from __future__ import annotations

import re

SPEECH_VERBS = frozenset(
    "said says told tells warned warns condemned condemns accused accuses denied denies stated called urged urges "
    "responded responds replied replies added adds insisted insists argued argues claimed declared declares "
    "announced announces confirmed confirms welcomed welcomes rejected rejects criticised criticized criticises "
    "criticizes described describes dismissed dismisses praised demanded noted stressed stresses emphasised "
    "emphasized wrote writes tweeted posted commented reiterated reiterates vowed vows threatened threatens "
    "expressed hailed hails slammed slams blasted denounced denounces protested acknowledged acknowledges admitted "
    "admits suggested suggests explained explains promised pledged pledges asserted asserts maintained maintains "
    "repeated reported quoted cited defended defends appealed cautioned cautions predicted signalled signaled "
    "hinted blamed blames labelled labeled branded rebuked lamented regretted questioned objected complained "
    "retorted countered conceded thanked briefed saying telling".split()
)
# Media relaying others' words: "TASS quoted Araghchi as saying ..." is Araghchi's statement, not TASS's.
REPORTING_VERBS = frozenset({"reported", "quoted", "cited"})
# Case-sensitive on purpose: verbs are lowercase in running text, and "United States" must not read as "states".
SPEECH_VERB_RE = re.compile(r"\b(?:" + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True)) + r")\b")
ROLES = frozenset(
    "spokesman spokeswoman spokesperson spokespeople press secretary minister ministry foreign defence defense "
    "interior deputy ambassador envoy representative president vice prime chancellor chief head leader chairman "
    "chairwoman chair official officials government agency news state media office department embassy mission "
    "statement military army forces armed general staff council security national supreme acting top senior "
    "former diplomat diplomats negotiator negotiators adviser advisor aide service command commander navy mayor "
    "governor senator lawmakers parliament speaker delegation authorities intelligence organisation organization "
    "guards corps committee commission bank court leadership administration readout transcript".split()
)
# Verbs that come before their speaker in news style: '"...," said Peskov'.
INVERTED_VERBS = frozenset(
    "said says added adds wrote writes warned insisted argued explained noted stressed told".split()
)
ROLE_ALT = "|".join(sorted(ROLES, key=len, reverse=True))
WEEKDAYS_MONTHS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
BE = frozenset("is are was were be been being get got".split())
NEGATION = frozenset("not never n't no".split())
WEAK_PREPS = frozenset(
    "to at in on for with against from about into over after before during under without towards toward than "
    "like between among through across near around via".split()
)
# Irregular past forms: a gap holding one belongs to another clause ("Putin met Araghchi and said ...").
OTHER_VERBS = frozenset("spoke met went gave made took held sent came got led left saw won lost began ran put".split())
GAP_OK = frozenset(
    "'s ’s also later earlier again then itself himself herself themselves had has have was were is are will would "
    "could may might last this previously separately further already week month year day morning afternoon evening "
    "night weekend today yesterday tonight sources post interview briefing conference of on in at".split()
)
OPENERS = frozenset(
    "on in at after before during later earlier meanwhile also but and separately speaking since by as with "
    "hours days weeks last this that asked while when although".split()
)
# Words that end a noun phrase ("the Kremlin and ...", "Moscow, which ..."): a grammar class, not stop words.
FUNCTION_WORDS = frozenset("and or but the a an that who which whose where when while as if".split())
# Capitalised words that open a sentence or date it rather than name or title a speaker.
NOT_TITLES = (
    OPENERS | WEAK_PREPS | WEEKDAYS_MONTHS | {"the", "a", "an", "of", "for", "its", "his", "her", "their", "our"}
)
CLAUSE_BOUNDARY = re.compile(
    r"[;:—–]|\b(?:that|who|which|whom|whose|where|while|whereas|but|because|although|though|after|before|when|"
    r"if|since|until|unless|as)\b"
)
TOKEN = re.compile(r"[\w'’.\-]+|,")
ANAPHOR = re.compile(
    rf"(?:^|[,;:]\s*|\b(?:and|but)\s+)(?:he|she|it|they|He|She|It|They|(?:[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+"
    rf"(?:(?:{ROLE_ALT})\s+){{1,3}}|[Tt]he\s+(?P<role>(?:(?:{ROLE_ALT})\s+){{1,3}}))"
    r"(?:(?:also|later|then|again|further|had|has|have|would|will|\w+ly)\s+)*\s*$"
)

# Topic heads that news text names with other words: a statement about "the attack" is about "the strikes".
# Kept to words that are rarely anything else in news text (no "shelling", which is also Shell's, or "poll").
HEAD_SYNONYMS = (
    "strike airstrike attack bombing bombardment raid assault struck missile-strike",
    "visit trip tour stopover journey",
    "invasion invade war offensive incursion",
    "sanction penalty embargo",
    "talk negotiation negotiate dialogue",
    "ceasefire cease-fire truce armistice",
    "deal agreement accord pact treaty",
    "protest demonstration",
    "election vote ballot",
    "drill exercise maneuver manoeuvre wargame",
    "explosion blast sabotage",
    "killing assassination murder",
    "arrest detention detain",
    "aid assistance",
    "weapon arms munition",
    "resignation resign",
    "blockade siege",
    "test launch",
)
# Irregular forms of head words, mapped to a regular form before stemming.
IRREGULAR_FORMS = {"struck": "strike", "fought": "fight", "shot": "shoot", "sought": "seek"}
# A topic phrase ends at these: "Pelosi's visit | to Taiwan", "the strikes | on Iran".
TOPIC_PREPOSITIONS = frozenset(
    "to of on in at for with against from about over by between into near after before during amid toward towards "
    "across regarding concerning following under without within since".split()
)
