from datetime import UTC, datetime, timezone

import pytest

from qa import Desk, EmptyIndexError, EmptyQuestionError, FakeLLM, Settings
from qa.answering.answer import ABSTAIN_TEXT, UNVERIFIED_TAG, is_abstention


def test_abstention_phrases():
    assert is_abstention(ABSTAIN_TEXT)
    assert is_abstention("The passages do not mention the mayor.")
    assert is_abstention("The sources do not say.")
    assert is_abstention("   ")
    assert not is_abstention("The council capped rents [1].")


@pytest.fixture
def desk(fixture_desk):
    # These tests check the model's synthesis and its check; the quoted lead is tested in test_lead.py.
    fixture_desk.settings = fixture_desk.settings.model_copy(
        update={"answer": fixture_desk.settings.answer.model_copy(update={"lead": False})})
    return fixture_desk


def test_ask_cites_retrieved_passages_with_supporting_spans(desk):
    # The lawsuit is the latest news, so it is source [1]; the model's [1] is wrong and is re-cited.
    desk.llm = FakeLLM(["The Harbor city council capped annual rent increases at 4 percent [1]."])
    answer = desk.ask("What did the Harbor city council decide on rents?", as_of=datetime(2024, 2, 20, tzinfo=UTC))
    assert not answer.abstained
    assert answer.text == "The Harbor city council capped annual rent increases at 4 percent [2]."
    assert answer.sentences[0].repaired and answer.citations[0].article_id == "fx-1"
    hit_ids = {h.chunk_id for h in answer.hits}
    assert answer.citations and all(c.chunk_id in hit_ids for c in answer.citations)
    [span] = answer.citations[0].spans
    article = desk.article(answer.citations[0].article_id)
    assert article.text[span.start:span.end] == span.text and "4 percent" in span.text
    prompt = desk.llm.prompts[0][1].content
    assert "(Harbor Herald, 6 February 2024) The Harbor city council voted 7-2" in prompt
    assert "Question: What did the Harbor city council" in prompt
    assert "Today is 20 February 2024." in prompt


def test_unsupported_sentences_are_dropped_or_flagged(desk):
    reply = ("The Harbor city council capped annual rent increases at 9 percent [1]. "
             "Harbor capped rents at 4 percent [1].")
    desk.llm = FakeLLM([reply])
    answer = desk.ask("What did the Harbor city council decide on rents?")
    assert "9 percent" not in answer.text and "4 percent" in answer.text
    assert [s.supported for s in answer.sentences] == [False, True]
    assert "does not mention 9" in answer.unsupported[0].reason
    desk.settings = desk.settings.model_copy(update={"answer": desk.settings.answer.model_copy(
        update={"unsupported": "flag"})})
    desk.llm = FakeLLM([reply])
    flagged = desk.ask("What did the Harbor city council decide on rents?")
    assert f"9 percent [1]. {UNVERIFIED_TAG}" in flagged.text


def test_ask_abstains_when_model_says_so_and_keeps_closest_passages(desk):
    desk.llm = FakeLLM([ABSTAIN_TEXT])
    answer = desk.ask("What did the Harbor council decide about parking?")
    assert answer.abstained and answer.text == ABSTAIN_TEXT and answer.hits


def test_ask_abstains_without_calling_llm_when_nothing_is_close(desk):
    question = "Quantum chromodynamics lattice gauge?"
    desk.llm = FakeLLM(["should not be used [1]."])
    answer = desk.ask(question)
    assert answer.abstained and "similarity" in answer.reason
    assert desk.llm.prompts == [], "no LLM call when retrieval found nothing relevant"
    # The gate is settings.answer.min_similarity: set just below the best passage's similarity, the model is asked.
    best = max(h.dense_score for h in answer.hits if h.dense_score is not None)
    assert best < desk.settings.answer.min_similarity
    desk.settings = desk.settings.model_copy(update={"answer": desk.settings.answer.model_copy(
        update={"min_similarity": best - 0.01})})
    desk.ask(question)
    assert len(desk.llm.prompts) == 1


def test_ask_abstains_when_no_passage_supports_the_answer(desk):
    desk.llm = FakeLLM(["Zebras migrate in autumn."])
    answer = desk.ask("What did the Harbor city council decide on rents?")
    assert answer.abstained and "no passage supports" in answer.reason and answer.hits
    assert answer.sentences and not answer.sentences[0].supported


def test_as_of_hides_later_articles(desk):
    hits = desk.search("Harbor rent cap", k=10, as_of=datetime(2024, 2, 10, tzinfo=timezone.utc))
    assert {h.article_id for h in hits} == {"fx-1"}


def test_source_and_date_filters(desk):
    hits = desk.search("jets order", sources=["business wire daily"])
    assert {h.article.source for h in hits} == {"Business Wire Daily"}
    hits = desk.search("rent", since=datetime(2024, 2, 20, tzinfo=timezone.utc), until=datetime(2024, 3, 1))
    assert {h.article_id for h in hits} == {"fx-7"}


def test_lexical_match_finds_exact_names(desk):
    hits = desk.search("Tomas Berg", k=3)
    assert hits[0].article_id == "fx-3"


def test_empty_question_and_empty_archive(tmp_path):
    settings = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
    empty = Desk.open(tmp_path / "empty", settings, create=True)
    with pytest.raises(EmptyQuestionError, match="the question is empty"):
        empty.ask("  ")
    with pytest.raises(EmptyIndexError, match="holds no articles yet"):
        empty.ask("Anything?")


def test_open_missing_archive_then_ingest_creates_it(tmp_path, fixture_articles):
    from qa import ArchiveNotFoundError

    settings = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
    desk = Desk.open(tmp_path / "new", settings)
    assert not (tmp_path / "new").exists(), "opening alone writes nothing"
    with pytest.raises(ArchiveNotFoundError, match="no newsdesk archive at"):
        desk.search("rent")
    assert desk.ingest([fixture_articles]).added == 7
    assert desk.search("rent cap", k=1)[0].article.source == "Harbor Herald"


def test_ask_stream_yields_pieces_then_the_checked_answer(desk):
    reply = "The Harbor city council capped annual rent increases at 4 percent. Zebras migrate in autumn."
    desk.llm = FakeLLM([reply])
    stream = desk.ask_stream("What did the Harbor city council decide on rents?",
                             as_of=datetime(2024, 2, 20, tzinfo=UTC))
    assert stream.answer is None
    pieces = list(stream)
    assert len(pieces) > 5 and "".join(pieces) == reply
    answer = stream.answer
    assert answer.text == "The Harbor city council capped annual rent increases at 4 percent [2]."
    assert answer.citations[0].article_id == "fx-1" and not answer.sentences[1].supported
    assert answer.timings.first_token_ms > 0


def test_ask_stream_of_an_abstention_is_one_piece(desk):
    desk.llm = FakeLLM(["never asked"])
    stream = desk.ask_stream("Quantum chromodynamics lattice gauge?")
    assert list(stream) == [ABSTAIN_TEXT] and stream.answer.abstained


def test_excluded_articles_are_never_returned_or_cited(desk):
    assert "fx-1" in {h.article_id for h in desk.search("Harbor city council caps rents", k=5)}
    hits = desk.search("Harbor city council caps rents", k=5, exclude=["fx-1"])
    assert hits and "fx-1" not in {h.article_id for h in hits}
    desk.llm = FakeLLM(["The Harbor city council capped annual rent increases at 4 percent [1]."])
    answer = desk.ask("What did the Harbor city council decide on rents?", exclude=["fx-1", "fx-2", "fx-7"])
    assert all(c.article_id not in {"fx-1", "fx-2", "fx-7"} for c in answer.citations)
