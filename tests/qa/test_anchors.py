"""A source that never names what the question is about cannot answer it. Dev case: "Which major holiday did India
celebrate this week?" was answered from a digest's item on the national holiday the Taliban declared in Kabul, a
sentence the check found word for word in its source. Real MiniLM."""

import pytest
from checking import checked

from qa.answering.anchors import asked_names, unnamed_subject

QUESTION = "Which major holiday did India celebrate this week?"
TALIBAN = ("This week marks a year since the Taliban seized control of Afghanistan's capital city. The group declared "
           "a national holiday in celebration of the anniversary yesterday.")
INDIA = ("India celebrated its 75th Independence Day on Monday, a national holiday, with Prime Minister Narendra Modi "
         "raising the flag at the Red Fort.")


def test_a_claim_from_a_story_that_never_names_the_subject_is_unsupported(embedder):
    claim = "The Taliban declared a national holiday in celebration of the anniversary yesterday [1]."
    [sentence] = checked(QUESTION, TALIBAN, "Ten things you need to know today", claim, embedder)
    assert not sentence.supported
    assert sentence.reason == "its source never names India, which the question asks about"
    [right] = checked(QUESTION, INDIA, "India at 75", "India celebrated its 75th Independence Day [1].", embedder)
    assert right.supported, right.reason


@pytest.mark.parametrize(("question", "source"), [
    ("Where did the United Kingdom's record heat hit 40.3C?", "The UK hit 40.3C in Coningsby on Tuesday."),
    ("Which show led the 2022 Primetime Emmys nominations?", "Succession leads this year's Emmy nominations."),
    ("Which team does Lionel Messi play for now?", "Messi scored twice for Paris Saint-Germain."),
    # A name with a number is written otherwise; national news leaves its own country unsaid.
    ("Which country declared victory against the Covid-19 pandemic?", "North Korea beat the coronavirus."),
    ("Where in the US is it illegal to pump your own gas?", "In New Jersey, it's been illegal since 1949."),
])
def test_a_name_in_another_form_or_one_of_several_is_enough(question, source):
    assert unnamed_subject(question, source) is None


def test_weekdays_months_and_question_words_are_not_names():
    assert asked_names("What did the council decide on Monday in July? Which") == set()


def test_what_a_question_says_it_is_about_must_be_named(embedder):
    # Asked as a new user: the court's other rulings of the term were given as its decision on the EPA.
    question = "What did the Supreme Court decide about the EPA?"
    term = ("The Supreme Court decided high-profile cases this term with the conservative justices aligned against "
            "the liberals, expanding access to guns and ending the constitutional right to abortion.")
    [wrong] = checked(question, term, "The Supreme Court's term", "The Supreme Court decided high-profile cases with "
                      "the conservative justices aligned against the liberals [1].", embedder)
    assert not wrong.supported
    assert wrong.reason == "its source never names EPA, which the question asks about"
    epa = ("The Supreme Court on Thursday curbed the EPA's power to limit carbon emissions from power plants, a 6-3 "
           "ruling along ideological lines.")
    [right] = checked(question, epa, "Supreme Court curbs EPA", "The Supreme Court curbed the EPA's power to limit "
                      "carbon emissions from power plants [1].", embedder)
    assert right.supported, right.reason
    assert unnamed_subject("What did the court decide about the EPA?", "The Supreme Court ruled on guns.") is not None
    assert unnamed_subject("What did Biden say about Trump?", "Trump spoke.") is None, "Trump is named"


def test_a_word_naming_a_kind_of_event_anchors_only_when_nothing_else_does(embedder):
    # Asked as a new user: "The Colorado Avalanche won the NBA Finals", from a story on the Stanley Cup Final.
    question = "Who won the NBA Finals?"
    hockey = ("The Colorado Avalanche are Stanley Cup champions for the first time since 2001, after winning the "
              "Stanley Cup Final in six games.")
    [wrong] = checked(question, hockey, "Avalanche win the Stanley Cup", "The Colorado Avalanche won the NBA Finals "
                      "[1].", embedder)
    assert not wrong.supported and "never names NBA" in (wrong.reason or ""), wrong.reason
    assert unnamed_subject("Who won the Finals?", hockey) is None, "with no other name, the event word anchors"


def test_a_source_about_another_state_cannot_answer_for_the_one_asked(embedder):
    # Dev case: Delaware's "Department of Natural Resources and Environmental Control" named a flathead catfish, and
    # "the creature pictured … according to the Indiana Department of Natural Resources" was given as that catfish.
    question = ("What creature, bloated and distorted from being submerged in water, is pictured above, according to "
                "the Indiana Department of Natural Resources?")
    delaware = ("A catfish species that can grow up to 100 pounds is threatening a popular Delaware pond. The culprit "
                "is the flathead catfish, according to the Delaware Department of Natural Resources.")
    claim = "The creature pictured above is the flathead catfish [1]."
    [wrong] = checked(question, delaware, "Giant catfish threatens Delaware pond", claim, embedder)
    assert not wrong.supported
    assert wrong.reason == "its source tells of Delaware, not Indiana, which the question asks about"
    indiana = ("The creature pictured by the Indiana Department of Natural Resources is a groundhog, bloated and "
               "distorted from being submerged in water.")
    [right] = checked(question, indiana, "What is this creature?", "The creature pictured above is a groundhog [1].",
                      embedder)
    assert right.supported, right.reason
    assert unnamed_subject(question, "The Department of Natural Resources posted the photo.") is None, \
        "a source that names no state may leave its own unsaid"


def test_a_source_that_never_says_what_the_question_quotes_cannot_answer(embedder):
    # Unanswerable-set case: asked before Biden called the EPA ruling "another devastating decision", a report on
    # the overturning of Roe v. Wade (which never says "devastating") was quoted as the answer.
    question = ("Which Supreme Court ruling did President Joe Biden describe as “another devastating decision” this "
                "week?")
    roe = ("President Joe Biden has been bracing for the Supreme Court's decision to overturn Roe v. Wade for months, "
           "preparing for it to set off mass protests.")
    [wrong] = checked(question, roe, "Biden braces for Roe ruling", "President Joe Biden described the Supreme Court's "
                      "decision to overturn Roe v. Wade [1].", embedder)
    assert not wrong.supported
    assert wrong.reason == "its source never says “another devastating decision”, which the question quotes"
    epa = ("President Joe Biden called the Supreme Court's ruling limiting the EPA's power to curb power plant "
           "emissions another devastating decision.")
    [right] = checked(question, epa, "Biden on the EPA ruling", "President Joe Biden described the Supreme Court's "
                      "ruling limiting the EPA's power as another devastating decision [1].", embedder)
    assert right.supported, right.reason


def test_a_first_name_written_only_before_another_name_is_someone_else(embedder):
    question = "Did Ron DeSantis win reelection?"
    johnson = "Republican Sen. Ron Johnson is projected to win reelection in Wisconsin, CNN projects."
    assert unnamed_subject(question, johnson) == "its source never names DeSantis, Ron, which the question asks about"
    assert unnamed_subject(question, "Ron DeSantis and Ron Johnson both won reelection.") is None
    assert unnamed_subject(question, "Florida's governor, Ron, won reelection.") is None, "Ron alone may be him"
