"""Plain questions asked of the dev archive as a new user, each answered wrongly under a supported citation (or
refused though right): the opposite outcome ("Liz Cheney won" from "Liz Cheney has lost"), another weekday, an item
of a list taken for a report, a possessive taken for a new name, and "who is eligible" asked of a kind of people.
Real MiniLM."""

import pytest
from checking import checked

from index.embedding import make_embedder
from qa.answering.answer_type import missing_answer_type
from qa.answering.opposites import opposite_deed


@pytest.fixture(scope="module")
def embedder():
    return make_embedder("all-MiniLM-L6-v2")


def test_the_one_a_passage_says_lost_did_not_win(embedder):
    question = "Who won the Wyoming Republican primary?"
    text = ("Republican Liz Cheney has lost her seat in Congress after voters in Wyoming elected a Trump-backed "
            "candidate, Harriet Hageman, in the primary elections.")
    [wrong] = checked(question, text, "Cheney loses primary", "Liz Cheney won the Wyoming Republican primary [1].",
                      embedder)
    assert not wrong.supported and wrong.reason == "the passage says Cheney lost", wrong.reason
    won = text + " Hageman won the Wyoming Republican primary by a double-digit margin."
    [right] = checked(question, won, "Cheney loses primary", "Harriet Hageman won the Wyoming Republican primary "
                      "[1].", embedder)
    assert right.supported, right.reason


@pytest.mark.parametrize(("claim", "sentence", "opposite"), [
    ("Hageman won the primary.", "Liz Cheney lost to Harriet Hageman.", False),  # who lost is not who won
    ("Cheney lost the primary.", "Cheney lost her seat as Hageman won.", False),
    ("Gas prices fell in July.", "Gas prices rose in July.", True),
    ("Gas prices fell in July.", "Gas prices fell in July after they rose in June.", False),
    ("Stocks rose on Friday.", "The index climbed 2% on Friday.", False),  # the same direction in other words
])
def test_opposite_deeds(claim, sentence, opposite):
    assert (opposite_deed(claim, sentence) is not None) == opposite


def test_a_weekday_the_passage_does_not_give_is_unsupported(embedder):
    question = "What did the Supreme Court decide in Dobbs?"
    text = ("The Supreme Court overturned Roe v. Wade on Friday, holding that there is no longer a federal "
            "constitutional right to an abortion.")
    [wrong] = checked(question, text, "Roe overturned", "The Supreme Court decided in Dobbs on Thursday that there "
                      "is no longer a federal constitutional right to an abortion [1].", embedder)
    assert not wrong.supported and "Thursday" in (wrong.reason or ""), wrong.reason
    [right] = checked(question, text, "Roe overturned", "The Supreme Court decided on Friday that there is no "
                      "longer a federal constitutional right to an abortion [1].", embedder)
    assert right.supported, right.reason


def test_an_item_of_a_list_supports_nothing(embedder):
    # Asked on 8 July, before any successor was chosen: the candidates were listed one per line.
    question = "Who replaced Boris Johnson?"
    text = ("Several people have emerged as possible successors to Johnson.\n\nBritain's former Chancellor Rishi "
            "Sunak.\n\nForeign Secretary Liz Truss.")
    [wrong] = checked(question, text, "Who could replace Boris Johnson?", "The former Chancellor Rishi Sunak "
                      "replaced Boris Johnson [1].", embedder)
    assert not wrong.supported, "a list item says nothing of what Sunak did"


def test_the_questions_own_name_in_the_possessive_is_not_a_new_one(embedder):
    question = "Who became Sri Lanka's new president?"
    text = ("Sri Lanka's parliament elected Ranil Wickremesinghe as the country's new president on Wednesday. The new "
            "president of Sri Lanka is Ranil Wickremesinghe, a six-time prime minister.")
    [right] = checked(question, text, "Sri Lanka elects a president", "The new president of Sri Lanka is Ranil "
                      "Wickremesinghe [1].", embedder)
    assert right.supported, right.reason


def test_who_is_eligible_asks_for_a_kind_of_people_not_a_name():
    claim = "Eligible borrowers are those with an annual income of less than $125,000 [1]."
    assert missing_answer_type("Who is eligible for student loan forgiveness?", claim) is None
    assert missing_answer_type("Who won the primary?", "Eligible voters turned out [1].") is not None

