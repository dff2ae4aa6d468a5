"""Which choice a retrieved sentence evidences: whole numbers, the words that tell choices apart, and how quizzes
are written ("except:", "All of the above", true or false). Real MiniLM; each case is a dev question the looser
match got wrong."""

from datetime import datetime, timezone

import pytest

from index.reference import ArticleRef
from qa.answering.choice_evidence import evidence_pick, evidence_scores, own_words
from qa.types import Hit


def _hits(*texts: str, title: str = "") -> list[Hit]:
    when = datetime(2022, 8, 5, tzinfo=timezone.utc)
    return [Hit(rank=i, chunk_id=f"a{i}:0", article=ArticleRef(article_id=f"a{i}", title=title, published_at=when),
                text=text, start=0, end=len(text), score=1.0 / i) for i, text in enumerate(texts, start=1)]


def _pick(question, choices, hits, embedder):
    scores = evidence_scores(question, choices, hits, embedder)
    chosen = evidence_pick(question, choices, scores)
    return (choices[chosen] if chosen is not None else None), scores


def test_a_number_is_matched_whole_not_inside_another(embedder):
    hits = _hits("US household debt passed $16 trillion for the first time, the New York Fed said on Tuesday.")
    chosen, scores = _pick("US household debt passed which massive figure this week?",
                           ["$1 trillion", "$16 trillion", "$10 trillion", "$6 trillion"], hits, embedder)
    assert chosen == "$16 trillion"
    assert scores[0] == scores[2] == scores[3] == 0, "'1', '10' and '6' are not '16'"


def test_a_single_digit_is_not_found_in_any_number(embedder):
    hits = _hits("A Russian court extended Brittney Griner's detention by six months, until December 20.",
                 "The hearing lasted 3 hours.")
    chosen, _ = _pick("How many months was Brittney Griner's detention extended?", ["1", "3", "6", "12"], hits,
                      embedder)
    assert chosen == "6", "'six' is 6, and '3 hours' says nothing of months"


def test_words_every_choice_shares_tell_nothing(embedder):
    hits = _hits("BTS, the global superband, said they would take a break after nine years together.",
                 "Seven members of the band spoke to fans in a video.")
    chosen, scores = _pick("Global superband BTS have split after how many years together?",
                           ["Seven years", "Nine years", "Ten years", "Five years"], hits, embedder)
    assert chosen == "Nine years"
    assert scores[2] == scores[3] == 0, "'years' alone evidences no choice"
    assert own_words(["Seven years", "Nine years"]) == [{"7"}, {"9"}]


def test_words_of_the_question_are_no_evidence_for_a_choice(embedder):
    hits = _hits("Biden signed the Inflation Reduction Act, the climate and health care bill, on Tuesday.",
                 "The climate and health provisions will cost $739 billion.")
    chosen, scores = _pick(
        "This week, President Joe Biden signed a sweeping climate and health care spending bill into law. What is it "
        "called?", ["Climate, Health and Taxes Act", "Inflation Reduction Act", "Build Back Better Act"], hits,
        embedder)
    assert chosen == "Inflation Reduction Act"
    assert scores[0] == 0, "'climate' and 'health' come from the question"


@pytest.mark.parametrize(
    ("sentence", "question", "choices", "expected"),
    [
        pytest.param("Olivia Newton-John starred in Grease and Xanadu, and later in It's My Party.",
                     "Olivia Newton-John died this week. She appeared in all these films except:",
                     ['"Grease"', '"Xanadu"', '"Westside Story"', '"It\'s My Party"'], '"Westside Story"',
                     id="except: the one choice without evidence"),
        pytest.param("The Big Ten signed a seven-year deal with Fox, CBS and NBC worth more than $1 billion a year.",
                     "The Big Ten signed a seven-year media rights deal with which network?",
                     ["NBC", "CBS", "FOX", "All of the above"], "All of the above",
                     id="all of the above when two others have evidence"),
        pytest.param("European regulators say Apple and other smartphone makers must use one charging port.",
                     "Which continent will soon require Apple and other smartphone makers to use one charger?",
                     ["Asia", "Europe", "Africa", "North America"], "Europe", id="a place in its adjective"),
        pytest.param("The party chose former Treasury chief Rishi Sunak and Foreign Secretary Liz Truss as the two.",
                     "Which two candidates are in the final ballot to become the next Conservative Party leader?",
                     ["Liz Truss and Rishi Sunak", "Liz Truss and Penny Mordaunt", "Rishi Sunak and Penny Mordaunt"],
                     "Liz Truss and Rishi Sunak", id="names in either order, each shared with another choice"),
    ],
)
def test_the_pick_reads_the_choices_as_the_quiz_means_them(sentence, question, choices, expected, embedder):
    chosen, _ = _pick(question, choices, _hits(sentence), embedder)
    assert chosen == expected


def test_true_or_false_is_left_to_the_model(embedder):
    hits = _hits("It is true that the FTC fined a Utah company for removing Made in China tags.")
    chosen, scores = _pick("True or false: the FTC fined a Utah company for removing Made in China tags.",
                           ["TRUE", "FALSE"], hits, embedder)
    assert chosen is None and scores == [0.0, 0.0]


def test_a_choice_whose_number_is_missing_is_not_held_by_its_other_words(embedder):
    hits = _hits("Brittney Griner was sentenced to 9 years in prison by a Russian court on Thursday.")
    chosen, scores = _pick("How long was Brittney Griner sentenced to?", ["5 years in prison", "9 years of probation"],
                           hits, embedder)
    assert scores[0] == 0, "'prison' is held, but not the 5"
    assert chosen == "9 years of probation"


def test_a_question_word_in_another_form_tells_no_choice_apart(embedder):
    hits = _hits("Covid-19 vaccines could be available for children as young as 6 months as early as next week.")
    chosen, scores = _pick("According to the White House, how soon could Covid-19 vaccines be available for children "
                           "as young as 6 months?", ["Next month", "Next week", "Next year"], hits, embedder)
    assert scores[0] == 0, "'month' is the question's 'months'"
    assert chosen == "Next week"


@pytest.mark.parametrize(
    ("sentence", "question", "choices", "expected"),
    [
        pytest.param("Gasoline prices were up nearly 60% over the year, the highest inflation in more than 40 years.",
                     "How much have gas prices increased in the US over the past year?",
                     ["20%", "40%", "60%", "80%"], "60%", id="a percentage, not the 40 of '40 years'"),
        pytest.param("The number of flying insects has plunged by 60 per cent in the 40 years since the survey began.",
                     "The number of flying insects in Britain has plunged by what percentage?",
                     ["40%", "60%", "80%"], "60%", id="'per cent' is '%'"),
        pytest.param("While 2% of barristers take home over £1m, they voted for a full walkout from 5 September.",
                     "Criminal barristers have voted to strike indefinitely from when?",
                     ["1 September", "5 September", "7 September"], "5 September", id="a date, not the 1 of '£1m'"),
    ],
)
def test_a_choice_told_apart_by_its_number_wants_the_number_in_its_place(sentence, question, choices, expected,
                                                                         embedder):
    chosen, scores = _pick(question, choices, _hits(sentence), embedder)
    assert chosen == expected
    assert sum(1 for score in scores if score > 0) == 1, scores


def test_a_headline_evidences_its_story_where_the_text_names_the_runners_up(embedder):
    hits = _hits("Edmonton forward Connor McDavid, last year's winner, and goalie Igor Shesterkin were the other "
                 "finalists.", title="NHL awards: Auston Matthews wins Hart Trophy as league MVP")
    chosen, _ = _pick("Who won the NHL's Hart Trophy, given to the player voted the league's MVP?",
                      ["Connor McDavid", "Igor Shesterkin", "Auston Matthews", "Jack Eichel"], hits, embedder)
    assert chosen == "Auston Matthews"
