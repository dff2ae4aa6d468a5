"""How the check reads the model's wording: an opening about the excerpts is no claim, and a number the question
holds is not news the passage must repeat. Dev cases the 0.5B answered rightly and the check refused. Real MiniLM."""

import pytest
from checking import checked

from qa.answering.claims import answer_sentences, without_preamble

COLOMBIA = ("Colombia will be governed by a leftist president for the first time after former rebel Gustavo Petro "
            "narrowly defeated a real estate millionaire in Sunday's runoff election. Petro earned 50.48% of the vote.")


def test_an_opening_about_the_excerpts_is_dropped_and_the_rest_ischecked(embedder):
    question = "What country elected its first-ever leftist leader this week?"
    answer = "According to the news excerpt, Colombia elected its first-ever leftist leader this week."
    [sentence] = checked(question, COLOMBIA, "Leftist Petro wins Colombia's presidency", answer, embedder)
    # With the opening, a quarter of the sentence's words were in the passage: too few, and the answer was refused.
    assert sentence.supported, sentence.reason
    assert sentence.text == "Colombia elected its first-ever leftist leader this week [1]."


@pytest.mark.parametrize(("sentence", "kept"), [
    ("Based on the information provided in the news excerpts, rents rose.", "Rents rose."),
    ("The excerpts [2] state that rents rose [2].", "Rents rose [2]."),
    ("The excerpt says: rents rose.", "Rents rose."),
    ("According to the police, two people died.", "According to the police, two people died."),
    # In news, sources attribute a claim: not talk about the prompt.
    ("According to sources, the deal collapsed.", "According to sources, the deal collapsed."),
    ("Sources say that the deal collapsed.", "Sources say that the deal collapsed."),
    ("According to the excerpts, it is.", "According to the excerpts, it is."),  # nothing left: kept as written
])
def test_which_openings_are_dropped(sentence, kept):
    assert without_preamble(sentence) == kept


def test_answer_sentences_drop_the_opening():
    assert answer_sentences("According to the excerpts [1], rents rose. Sales fell [2].") == [
        "Rents rose.", "Sales fell [2]."]


def test_a_number_the_question_holds_need_not_be_in_the_passage(embedder):
    question = "Which country declared victory against the Covid-19 pandemic this week?"
    text = ("North Korea's leader Kim Jong Un declared victory over the coronavirus on Wednesday and ordered an "
            "easing of prevention measures, state media said.")
    title = "North Korea declares victory over the coronavirus"
    [sentence] = checked(question, text, title, "North Korea declared victory against the Covid-19 pandemic [1].",
                         embedder)
    assert sentence.supported, sentence.reason
    # A number the question does not hold must still be in the passage.
    [wrong] = checked(question, text, title, "North Korea declared victory after 19 days [1].", embedder)
    assert not wrong.supported and "does not mention 19" in (wrong.reason or "")


@pytest.mark.parametrize(("question", "text", "title", "claim", "missing"), [
    # Dev: a story on an older record supported "the hottest temperature of 40.3C was in Cambridge".
    ("As temperatures in the UK hit record highs, where was the hottest temperature of 40.3C recorded?",
     "The hottest temperature in the UK was recorded in Cambridge, England on Tuesday, when it hit 38.7C.",
     "UK heat record", "The hottest temperature of 40.3C recorded in the UK was in Cambridge, England on Tuesday [1].",
     "40.3"),
    # Dev, asked a week early: the first quarter's figure answered for the quarter "ending June 30". The day is what
    # tells the two apart, so it is not framing like a year or a "Covid-19".
    ("Netflix says it lost how many subscribers in the three months ending June 30?",
     "Netflix lost 200,000 subscribers in the three months ending March 31, the company said in April.",
     "Netflix loses subscribers", "Netflix says it lost 200,000 subscribers in the three months ending June 30 [1].",
     "30"),
])
def test_a_quantity_or_day_the_question_holds_must_still_be_in_the_passage(question, text, title, claim, missing,
                                                                           embedder):
    [sentence] = checked(question, text, title, claim, embedder)
    assert not sentence.supported and missing in (sentence.reason or ""), sentence.reason


def test_a_decade_the_question_holds_need_not_be_in_the_passage(embedder):
    question = "Nichelle Nichols died Sunday. Which “Star Trek” character did she portray in the 1960s TV series?"
    text = "Nichelle Nichols, who played Lt. Nyota Uhura on the original “Star Trek” television series, has died."
    [sentence] = checked(question, text, "Nichelle Nichols dies at 89", "Nichelle Nichols portrayed Lieutenant "
                         "Nyota Uhura in the 1960s TV series [1].", embedder)
    assert sentence.supported, sentence.reason
