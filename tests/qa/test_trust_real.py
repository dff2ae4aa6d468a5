"""Wrong answers that used to pass under a citation, asked again of the real bundled 0.5B model.

Small invented articles in the shape of the real ones: an AP story whose byline names its reporters, and a 2018
reshuffle story beside the 2022 resignation story it was confused with.
"""

import json
import re
from datetime import UTC, datetime

import pytest

from qa import Desk, Settings

pytestmark = pytest.mark.slow

COLOMBIA = {
    "article_id": "colombia-runoff",
    "title": "Former rebel Petro wins Colombia's presidency",
    "source": "AP", "published_at": "2022-06-20T02:00:00Z",
    "text": "By Regina Garcia Cano and Astrid Suarez, Associated Press\n\n"
            "BOGOTA, Colombia (AP) — Former rebel Gustavo Petro won Colombia's presidential election on Sunday, "
            "defeating real estate millionaire Rodolfo Hernández in a runoff. Petro, a senator, received 50.4% of "
            "the vote. He will be the country's first leftist president. Francia Márquez will be vice president.",
}
RESIGNATION = {
    "article_id": "johnson-resigns",
    "title": "Boris Johnson resigns as Conservative leader",
    "source": "Reuters", "published_at": "2022-07-07T12:00:00Z",
    "text": "Boris Johnson resigned as leader of Britain's Conservative Party on Thursday after a wave of ministers "
            "quit his government. He will stay on as prime minister until a new leader is chosen. Rishi Sunak, Liz "
            "Truss and Penny Mordaunt are among the Conservatives who could replace him as prime minister.",
}
RESHUFFLE = {
    "article_id": "hunt-foreign-secretary",
    "title": "Jeremy Hunt replaces Boris Johnson as foreign secretary",
    "source": "Reuters", "published_at": "2018-07-09T18:00:00Z",
    "text": "Jeremy Hunt replaced Boris Johnson as Britain's foreign secretary on Monday, hours after Johnson "
            "resigned over the government's Brexit plans. Hunt had been health secretary since 2012.",
}

ABE = {
    "article_id": "abe-shot",
    "title": "Former Japanese leader Shinzo Abe shot dead at campaign event",
    "source": "Reuters", "published_at": "2022-07-08T10:00:00Z",
    "text": "Former Japanese Prime Minister Shinzo Abe died on Friday after being shot while giving a campaign speech "
            "in the city of Nara. Police arrested Tetsuya Yamagami, 41, at the scene. Yamagami used a homemade gun "
            "made of metal pipes wrapped in tape, police said. Abe, 67, was Japan's longest-serving prime minister.",
}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trust")
    articles = folder / "articles.jsonl"
    articles.write_text("\n".join(json.dumps(a) for a in (COLOMBIA, RESIGNATION, RESHUFFLE, ABE)), encoding="utf-8")
    desk = Desk.open(folder / "archive", Settings(archive=folder / "archive"), create=True)
    desk.ingest([articles])
    yield desk
    desk.close()


def test_a_reporter_in_the_byline_is_never_the_winner(desk):
    answer = desk.ask("Who won Colombia's presidential election?", as_of=datetime(2022, 6, 21, tzinfo=UTC))
    assert "Regina" not in desk.article("colombia-runoff").text, "the byline is not stored as article text"
    assert not answer.abstained, answer.reason
    assert "Petro" in answer.text and "Garcia Cano" not in answer.text


def test_a_follow_up_never_gets_the_roles_reversed(desk):
    chat = desk.chat(as_of=datetime(2022, 7, 8, tzinfo=UTC))
    chat.ask("Why did Boris Johnson resign?")
    answer = chat.ask("Who could replace him?")
    assert not re.search(r"Johnson (?:could|would|will|to) replace", answer.text), answer.text
    if not answer.abstained:
        assert re.search(r"Sunak|Truss|Mordaunt", answer.text), answer.text


def test_a_follow_up_is_answered_for_what_it_asks_not_for_the_question_before(desk):
    chat = desk.chat(as_of=datetime(2022, 7, 9, tzinfo=UTC))
    chat.ask("Who shot Shinzo Abe?")
    answer = chat.ask("What weapon did he use?")
    assert not answer.abstained, answer.reason
    assert "gun" in answer.text, answer.text
    assert answer.lead is None or "gun" in answer.lead.text, "a quote about the shooting alone does not lead"


@pytest.mark.parametrize(
    ("question", "passage", "wrong", "right"),
    [
        # Dev: "The virus … is polio [1]", supported by a sentence that names polio as an earlier emergency.
        ("Which virus is making officials at the World Health Organization reconsider whether they should declare "
         "a public health emergency?",
         "WHO officials will meet again to reconsider whether monkeypox should be declared a public health "
         "emergency, the agency's highest alert, which it has declared only for outbreaks such as polio and Covid-19.",
         "The virus is polio [1].", "Monkeypox is the virus [1]."),
        # Dev: the press secretary who reported the news given as the official who tested positive.
        ("Which high-ranking US official tested positive for Covid-19 this week?",
         "President Joe Biden tested positive for Covid-19 on Thursday and is experiencing mild symptoms, White "
         "House press secretary Karine Jean-Pierre said.",
         "Karine Jean-Pierre tested positive [1].", "Joe Biden tested positive [1]."),
    ],
)
def test_rereading_the_passage_rejects_the_wrong_entity_it_names(desk, question, passage, wrong, right):
    from qa.answering.judge import Judge

    judge = Judge(desk.llm, method="reread")
    assert judge.rejects(question, wrong, passage), "the bundled model reads another answer in the passage"
    assert judge.rejects(question, right, passage) is None


@pytest.mark.parametrize(
    ("question", "before", "quote", "kept"),
    [
        ("Which country's president fled to Singapore?", "Sri Lanka's economic crisis deepens.",
         "The president fled to Singapore on Thursday after months of protests.", False),
        # Dev: "Watch Mr. Happy Face get crowned" led the answer to which breed he is.
        ("What breed of dog won the World's Ugliest Dog contest?",
         "Mr. Happy Face, a Chinese Crested-Chihuahua mix, won the contest.",
         "Watch Mr. Happy Face get crowned World's Ugliest Dog here.", False),
        ("Who won Colombia's presidential election?", "Former rebel Petro wins Colombia's presidency",
         "Gustavo Petro won Colombia's presidential election on Sunday.", True),
    ],
)
def test_the_judge_model_reads_a_quote_in_its_passage_before_it_leads(desk, question, before, quote, kept):
    from qa.answering.judge import judge_for

    # The judge reads with a model of its own (here the bundled 0.5B again, named: CI installs no 1.5B).
    settings = desk.settings.model_copy(update={"answer": desk.settings.answer.model_copy(
        update={"judge": "reread", "judge_model": "qwen2.5-coder-0.5b"})})
    judge = judge_for(settings, desk.llm)
    assert judge.llm is not desk.llm
    assert (judge.rejects_quote(question, quote, f"{before} {quote}") is None) is kept


def test_with_the_judge_reading_it_a_report_holding_half_the_questions_words_leads(desk):
    # The scene ("after a tense and bitter campaign") is in no report: the Petro sentence holds 4 of the question's 7
    # words, under the 60% a quote needs on word share alone. With the judge re-reading the quote (the 0.5B as its
    # own model: CI installs no 1.5B), it leads when the reading finds the winner in it.
    question = "After a tense and bitter campaign, who won Colombia's presidential election?"
    day = datetime(2022, 6, 21, tzinfo=UTC)
    plain = desk.settings
    assert desk.ask(question, as_of=day).lead is None
    desk.settings = plain.model_copy(update={"answer": plain.answer.model_copy(
        update={"judge": "reread", "judge_model": "qwen2.5-coder-0.5b"})})
    try:
        answer = desk.ask(question, as_of=day)
    finally:
        desk.settings = plain
    assert answer.lead is not None and "Gustavo Petro won" in answer.lead.text, answer.text
    assert answer.text.startswith(answer.lead.text) and "Garcia Cano" not in answer.text
