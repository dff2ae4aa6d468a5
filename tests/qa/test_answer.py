from datetime import datetime, timezone

import pytest

from qa import Desk, EmptyIndexError, EmptyQuestionError, FakeLLM, Settings
from qa.answer import ABSTAIN_TEXT, format_passages, is_abstention, resolve_citations
from qa.types import Hit


def hit(n: int, text: str, article: str | None = None) -> Hit:
    return Hit(
        rank=n,
        chunk_id=f"{article or f'a{n}'}:0",
        article_id=article or f"a{n}",
        text=text,
        start=0,
        end=len(text),
        title=f"Title {n}",
        source="Wire",
        score=1.0 / n,
        dense_score=0.5,
        published_at=datetime(2024, 2, n, tzinfo=timezone.utc),
    )


PASSAGES = [(1, hit(1, "The council capped rents at 4 percent."), ""), (2, hit(2, "Landlords sued the city."), "")]


def test_markers_resolve_to_passages_and_invalid_ones_are_dropped():
    text, citations = resolve_citations("Rents were capped [1][7]. Landlords sued [2, 1].", PASSAGES)
    assert text == "Rents were capped [1]. Landlords sued [2][1]."
    assert [(c.marker, c.article_id) for c in citations] == [(1, "a1"), (2, "a2")]
    assert citations[0].quote == "The council capped rents at 4 percent."


def test_uncited_sentence_is_grounded_by_word_overlap_or_left_alone():
    text, citations = resolve_citations("Landlords sued the city. Unrelated musing here.", PASSAGES)
    assert text == "Landlords sued the city [2]. Unrelated musing here."
    assert [c.marker for c in citations] == [2]


def test_abstention_phrases():
    assert is_abstention(ABSTAIN_TEXT)
    assert is_abstention("The passages do not mention the mayor.")
    assert is_abstention("   ")
    assert not is_abstention("The council capped rents [1].")


def test_passages_fit_the_token_budget():
    long = [hit(i, "word " * 300) for i in range(1, 6)]
    shown = format_passages(long, budget_tokens=700)
    assert [m for m, _, _ in shown] == [1, 2]
    assert shown[0][2].startswith("[1] Wire, 2024-02-01: Title 1\n")


@pytest.fixture
def desk(tmp_path, fixture_articles):
    settings = Settings(index={"embedding_model": "hash"}, answer={"min_similarity": 0.3})
    d = Desk.open(tmp_path / "arch", settings, create=True)
    d.ingest([fixture_articles])
    return d


def test_ask_cites_retrieved_passages(desk):
    desk.llm = FakeLLM(["Harbor capped annual rent increases at 4 percent [1]. Landlords sued [2]."])
    answer = desk.ask("What did the Harbor city council decide on rents?")
    assert not answer.abstained
    hit_ids = {h.chunk_id for h in answer.hits}
    assert answer.citations and all(c.chunk_id in hit_ids for c in answer.citations)
    prompt = desk.llm.prompts[0][1].content
    assert "[1] Harbor Herald, 2024-02" in prompt and "Question: What did the Harbor city council" in prompt


def test_ask_abstains_when_model_says_so_and_keeps_closest_passages(desk):
    desk.llm = FakeLLM([ABSTAIN_TEXT])
    answer = desk.ask("What did the Harbor council decide about parking?")
    assert answer.abstained and answer.text == ABSTAIN_TEXT and answer.hits


def test_ask_abstains_without_calling_llm_when_nothing_is_close(desk):
    desk.llm = FakeLLM(["should not be used [1]."])
    answer = desk.ask("Quantum chromodynamics lattice gauge?")
    assert answer.abstained and "similarity" in answer.reason
    assert desk.llm.prompts == [], "no LLM call when retrieval found nothing relevant"


def test_ask_abstains_when_answer_cannot_be_tied_to_passages(desk):
    desk.llm = FakeLLM(["Zebras migrate in autumn."])
    answer = desk.ask("What did the Harbor city council decide on rents?")
    assert answer.abstained and "could not be tied" in answer.reason


def test_as_of_hides_later_articles(desk):
    hits = desk.search("Harbor rent cap", k=10, as_of=datetime(2024, 2, 10, tzinfo=timezone.utc))
    assert {h.article_id for h in hits} == {"fx-1"}


def test_source_and_date_filters(desk):
    hits = desk.search("jets order", sources=["business wire daily"])
    assert {h.source for h in hits} == {"Business Wire Daily"}
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
    assert desk.search("rent cap", k=1)[0].source == "Harbor Herald"
