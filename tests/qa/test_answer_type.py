"""The answer's kind and roles: a "who" answer names someone, in the role the question asks about."""

import pytest

from qa.answering.answer_type import asked_type, missing_answer_type, reversed_roles


@pytest.mark.parametrize(("question", "kind"), [
    ("Who won Colombia's presidential election?", "who"),
    ("Which company recalled its cars?", "who"),
    ("When did the bridge reopen?", "when"),
    ("What year was it built?", "when"),
    ("How many people were evacuated?", "how many"),
    ("What percentage of voters turned out?", "how many"),
    ("What did the council decide?", None),
])
def test_the_kind_a_question_asks_for(question, kind):
    assert asked_type(question) == kind


@pytest.mark.parametrize(("question", "sentence", "answers"), [
    ("Who won Colombia's presidential election?", "Gustavo Petro won the runoff [1].", True),
    ("Who won Colombia's presidential election?", "The former rebel won Colombia's election [1].", False),
    # A name the question already holds answers nothing.
    ("Who won Colombia's presidential election?", "Colombia held its presidential election [1].", False),
    ("When did the bridge reopen?", "The bridge reopened on Tuesday [1].", True),
    ("When did the bridge reopen?", "The bridge reopened to traffic [1].", False),
    ("How many people were evacuated?", "About 3,000 people were evacuated [1].", True),
    ("How many people were evacuated?", "Dozens of people were evacuated [1].", True),
    ("How many people were evacuated?", "People were evacuated from the coast [1].", False),
    ("What did the council decide?", "It decided nothing [1].", True),
])
def test_an_answer_gives_the_kind_asked_for(question, sentence, answers):
    assert (missing_answer_type(question, sentence) is None) is answers


@pytest.mark.parametrize(("question", "sentence", "reversed_"), [
    ("Who could replace Boris Johnson?", "Boris Johnson could replace Jeremy Hunt [3].", True),
    ("Who could replace Boris Johnson?", "Rishi Sunak could replace Boris Johnson [1].", False),
    ("Who could replace Boris Johnson?", "Boris Johnson could be replaced by Rishi Sunak [1].", False),
    # Asked for the one acted on: either order can be right, so nothing is told.
    ("Who did Boris Johnson replace?", "Boris Johnson replaced Theresa May [1].", False),
])
def test_a_who_answer_keeps_the_roles_of_the_question(question, sentence, reversed_):
    assert (reversed_roles(question, sentence) is not None) is reversed_
