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
