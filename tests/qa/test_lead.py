"""Extractive first: the answer starts with the quoted source sentence that answers the question."""

from datetime import UTC, datetime

from qa import FakeLLM
from qa.answering.answer import ABSTAIN_TEXT

RENTS = "What did the Harbor city council decide on rents?"
FEB_20 = datetime(2024, 2, 20, tzinfo=UTC)


def test_answer_starts_with_the_quoted_sentence_that_answers(fixture_desk):
    fixture_desk.llm = FakeLLM(["The council capped annual rent increases at 4 percent."])
    answer = fixture_desk.ask(RENTS, as_of=FEB_20)
    assert answer.lead is not None and answer.text.startswith(answer.lead.text)
    assert answer.lead.text.startswith("“The Harbor city council voted 7-2") and "4 percent" in answer.lead.text
    [span] = [c for c in answer.citations if c.marker == answer.lead.markers[0]][0].spans[:1]
    article = fixture_desk.article(answer.citations[0].article_id)
    assert article.text[span.start:span.end] == span.text  # the quote is the article's own words
    assert answer.text.endswith("4 percent [2].")  # the model's checked synthesis follows


def test_lead_answers_when_every_model_sentence_is_rejected(fixture_desk):
    fixture_desk.llm = FakeLLM(["Zebras migrate in autumn."])
    answer = fixture_desk.ask(RENTS, as_of=FEB_20)
    assert not answer.abstained and answer.text == answer.lead.text
    assert answer.sentences and not answer.sentences[0].supported


def test_no_lead_from_a_sentence_that_does_not_answer(fixture_desk):
    # Rent sentences resemble a question about parking, but do not answer it: no lead, and the model's
    # abstention stands.
    fixture_desk.llm = FakeLLM([ABSTAIN_TEXT])
    answer = fixture_desk.ask("What did the Harbor council decide about parking?")
    assert answer.abstained and answer.lead is None and answer.text == ABSTAIN_TEXT


def test_stream_shows_the_lead_before_the_model_writes(fixture_desk):
    reply = "The council capped annual rent increases at 4 percent."
    fixture_desk.llm = FakeLLM([reply])
    stream = fixture_desk.ask_stream(RENTS, as_of=FEB_20)
    pieces = iter(stream)
    first = next(pieces)
    assert first.startswith("“The Harbor city council voted") and fixture_desk.llm.prompts == []
    assert "".join(pieces) == reply
    assert stream.answer.text.startswith(first.strip())


def _judging(desk, *replies):
    """The desk with the re-reading judge on, its model replying ``replies`` in turn: the answer, then the judge's
    reading of the lead, then its readings of the model's sentences."""
    desk.settings.answer.judge = "reread"
    desk.llm = FakeLLM(list(replies))
    return desk


REPLY = "The council capped annual rent increases at 4 percent."


def test_a_judge_that_finds_no_answer_in_the_leads_passage_drops_the_lead(fixture_desk):
    _judging(fixture_desk, REPLY, "none", "4 percent")
    answer = fixture_desk.ask(RENTS, as_of=FEB_20)
    read = fixture_desk.llm.prompts[1][1].content
    assert read.startswith("Passage: Harbor city council caps rents The Harbor city council voted 7-2"), read
    assert answer.lead is None and answer.text == "The council capped annual rent increases at 4 percent [2]."


def test_a_lead_awaiting_the_judge_is_streamed_as_draft_and_dropped_when_read_otherwise(fixture_desk):
    _judging(fixture_desk, REPLY, "Mayor Dana Ruiz", "4 percent")
    stream = fixture_desk.ask_stream(RENTS, as_of=FEB_20)
    assert stream.lead is None, "not shown as checked text before the judge has read it"
    pieces = list(stream)
    assert pieces[0].startswith("“The Harbor city council voted 7-2"), "the quote still comes first, as draft"
    assert stream.answer.lead is None and not stream.answer.text.startswith("“")


def test_a_judge_that_reads_the_quotes_own_answer_keeps_the_lead(fixture_desk):
    _judging(fixture_desk, REPLY, "4 percent", "4 percent")
    answer = fixture_desk.ask(RENTS, as_of=FEB_20)
    assert answer.lead is not None and answer.text.startswith("“The Harbor city council voted 7-2")


def test_the_yes_no_judge_does_not_test_quotes(fixture_desk):
    fixture_desk.settings.answer.judge = "yes-no"
    fixture_desk.llm = FakeLLM(["no"])
    assert fixture_desk.ask_stream(RENTS, as_of=FEB_20).lead is not None
    assert fixture_desk.llm.prompts == [], "the lead is shown as checked text before any model call"


# The story holds half of this question's words: the scene ("after weeks of protests by tenants") is not in it.
PROTESTS = "After weeks of protests by tenants, what did the Harbor city council decide on rents?"


def test_with_a_judge_reading_the_quote_a_sentence_with_half_the_questions_words_may_lead(fixture_desk):
    fixture_desk.llm = FakeLLM([REPLY])
    assert fixture_desk.ask(PROTESTS, as_of=FEB_20).lead is None, "word share alone: too few of the question's words"
    _judging(fixture_desk, REPLY, "4 percent", "4 percent")
    answer = fixture_desk.ask(PROTESTS, as_of=FEB_20)
    assert answer.lead is not None and answer.text.startswith("“The Harbor city council voted 7-2")
    _judging(fixture_desk, REPLY, "none", "4 percent")
    assert fixture_desk.ask(PROTESTS, as_of=FEB_20).lead is None, "the judge finds no answer in it: dropped"
    fixture_desk.settings.answer.judged_lead_share = 0.6
    _judging(fixture_desk, REPLY, "4 percent", "4 percent")
    assert fixture_desk.ask(PROTESTS, as_of=FEB_20).lead is None, "answer.judged_lead_share decides"
