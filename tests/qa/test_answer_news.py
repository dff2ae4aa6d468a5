"""An answer must add news to the question: words it holds in another form, short forms spelled out, another
spelling of its own names and vague words ("new", "now") add none; a superlative is a claim the source must state;
and a name the source gives another part is no answer. Dev cases the 0.5B answered wrongly under a supported
citation. Real MiniLM."""

import pytest
from checking import checked

from qa.answering.answer_type import missing_answer_type, new_words
from qa.answering.roles import another_actor

KFC = ("KFC is rolling out a new menu item this week to attract a younger crowd: chicken nuggets, which the chain "
       "has never sold nationally before.")


@pytest.mark.parametrize(("question", "claim"), [
    # The question's words in another form, and a word that adds no fact.
    ("Which menu item did KFC roll out this week to attract a younger crowd?",
     "KFC rolled out the new menu this week to attract a younger crowd."),
    # "US" spelled out.
    ("A US drone strike killed the world's most wanted terrorist, who was associated with which group?",
     "A US drone strike killed the world's most wanted terrorist, who was associated with the United States."),
    # The question's own name in another spelling.
    ("Which is the world's best airline, according to a new analysis from AirlineRankings.com?",
     "The world's best airline, according to a new analysis from AirlineRankings.com, is AirlineRatings.com."),
])
def test_an_answer_that_only_rewords_the_question_adds_nothing(question, claim):
    assert new_words(question, claim) == set()


def test_new_words_keep_real_news():
    question = "Which menu item did KFC roll out this week?"
    assert new_words(question, "KFC rolled out chicken nuggets this week.") == {"chicken", "nugget"}
    # Short words one letter apart are different words, not spellings of one.
    assert new_words("Did Kemp win Georgia?", "Kent wins Georgia.") == {"kent"}
    # A short form spelled out counts only where the question uses it.
    assert new_words("Which country did the strike target?", "It targeted the United States.") == {"unit", "state"}


def test_the_check_refuses_a_reworded_question(embedder):
    question = "Which menu item did KFC roll out this week to attract a younger crowd?"
    [sentence] = checked(question, KFC, "KFC rolls out chicken nuggets", "KFC rolled out the new menu this week to "
                         "attract a younger crowd [1].", embedder)
    assert not sentence.supported and sentence.reason == "it only restates the question"
    [right] = checked(question, KFC, "KFC rolls out chicken nuggets", "KFC rolled out chicken nuggets [1].",
                      embedder)
    assert right.supported, right.reason


def test_a_spelled_out_short_form_names_no_group():
    question = "A US drone strike killed the world's most wanted terrorist, who was associated with which group?"
    assert missing_answer_type(question, "He was associated with the United States [2].") == (
        "it names no group, and the question asks which group")
    assert missing_answer_type(question, "He was associated with al Qaeda [2].") is None


GAS = ("Back on June 14, gas prices hit a record national average of $5.02 a gallon. Now there are two states, South "
       "Carolina and Texas, where 61% of stations are selling gas for less than $4 a gallon.")


def test_a_superlative_must_be_stated_by_the_supporting_sentence(embedder):
    question = "Which state has the highest average price for a gallon of regular gas?"
    [wrong] = checked(question, GAS, "Gas prices fall", "South Carolina has the highest average price for a gallon "
                      "of regular gas [1].", embedder)
    assert not wrong.supported and "highest" in (wrong.reason or ""), wrong.reason
    text = "At $6.07, California has the highest average price for a gallon of regular gas."
    [right] = checked(question, GAS + " " + text, "Gas prices fall", "California has the highest average price for "
                      "a gallon of regular gas [1].", embedder)
    assert right.supported, right.reason


def test_a_superlative_may_be_said_another_way(embedder):
    text = "Drivers in California pay the priciest gas in the nation, at $6.07 a gallon."
    [sentence] = checked("Which state has the highest gas price?", text, "Gas prices", "California has the "
                         "highest gas price [1].", embedder)
    assert sentence.supported, sentence.reason


def test_a_superlative_that_sets_the_question_s_scene_need_not_be_repeated(embedder):
    # Dev: the quiz calls Musk the world's richest man before it asks; the source on the affair does not.
    question = "This week the world's richest man, Elon Musk, denied that he had an alleged affair with who?"
    text = ("Elon Musk denied a report that he had an affair with Nicole Shanahan, the wife of Google co-founder "
            "Sergey Brin.")
    [sentence] = checked(question, text, "Elon Musk denies affair report", "This week the world's richest man, Elon "
                         "Musk, denied that he had an alleged affair with Nicole Shanahan [1].", embedder)
    assert sentence.supported, sentence.reason


SRI_LANKA = ("Sri Lanka has plunged into chaos and its president has fled to Singapore, before emailing his "
             "resignation, as questions swirl about the country's future.")


def test_a_name_the_passage_gives_another_part_is_no_answer(embedder):
    # Dev: the 0.5B named Singapore, where the president fled, as the island nation in chaos.
    question = "Which island nation plunged into chaos in recent days, prompting its leader to flee?"
    title = "Sri Lanka's president flees to Singapore"
    [wrong] = checked(question, SRI_LANKA, title, "The island nation that plunged into chaos in recent days, "
                      "prompting its leader to flee, is Singapore [1].", embedder)
    assert not wrong.supported and "says this of Sri Lanka" in (wrong.reason or ""), wrong.reason
    [right] = checked(question, SRI_LANKA, title, "Sri Lanka plunged into chaos in recent days [1].", embedder)
    assert right.supported, right.reason


def test_a_noun_after_a_name_is_no_deed():
    # "Alphabet stock" is not something Alphabet did: the passage does not give the deed to another name.
    question = "Which company's stock became cheaper after a split?"
    assert another_actor(question, "Google's stock became cheaper [1].", "Alphabet stock became cheaper.") is None
