import json
from datetime import datetime, timezone

import pytest

from index.archive.store import StoredChunk
from index.chunking import Chunk
from index.filters import ChunkFilter
from index.reference import ArticleRef
from qa import Desk, Settings
from qa.filters import SearchFilters
from qa.retrieval.retriever import Retriever
from qa.retrieval.timeparse import resolve_time
from qa.settings import RetrievalSettings

UTC = timezone.utc
AS_OF = datetime(2022, 6, 16, 12, tzinfo=UTC)


def chunk(cid: str, ts: int | None = None, text: str | None = None) -> Chunk:
    return Chunk(chunk_id=f"{cid}:0", article=ArticleRef.from_ts(cid, None, None, None, ts), n=0,
                 text=text or f"text of {cid}", start=0, end=10)


class FakeStore:
    """Returns fixed dense and lexical rankings, to test fusion in isolation."""

    def __init__(self, dense, lexical):
        self.dense, self.lexical = dense, lexical

    def query(self, vector, k, where=None):
        return [StoredChunk(chunk=c, similarity=0.5) for c in self.dense][:k]

    def lexical_query(self, query, k, where=None, *, titles_only=False):
        return [(c, 10.0) for c in self.lexical][:k]

    def sources(self):
        return {}


class ZeroEmbedder:
    name, dimension = "zero", 2

    def embed_query(self, text):
        return [0.0, 0.0]


def ids(hits):
    return [h.article_id for h in hits]


def test_fusion_ranks_agreement_first_and_keeps_lexical_only_matches():
    store = FakeStore(dense=[chunk("a"), chunk("b"), chunk("c")], lexical=[chunk("c"), chunk("d")])
    hits = Retriever(store, ZeroEmbedder(), RetrievalSettings(recency="off")).search("q", k=4)
    assert ids(hits)[0] == "c", "found by both retrievers"
    assert "d" in ids(hits), "fusion keeps lexical-only matches"
    assert hits[ids(hits).index("d")].dense_score is None and hits[0].lexical_score == 10.0


def test_fusion_weights_shift_the_blend():
    store = FakeStore(dense=[chunk("a"), chunk("b")], lexical=[chunk("b"), chunk("a")])
    lexical_heavy = RetrievalSettings(recency="off", dense_weight=0.2, lexical_weight=1.0)
    assert ids(Retriever(store, ZeroEmbedder(), lexical_heavy).search("q", k=2)) == ["b", "a"]
    dense_heavy = RetrievalSettings(recency="off", dense_weight=1.0, lexical_weight=0.2)
    assert ids(Retriever(store, ZeroEmbedder(), dense_heavy).search("q", k=2)) == ["a", "b"]


def test_article_support_lets_a_report_matching_in_two_passages_pass_a_digest_matching_in_one():
    second = Chunk(chunk_id="report:1", article=ArticleRef.from_ts("report", None, None, None, None), n=1,
                   text="more of the report", start=20, end=40)
    store = FakeStore(dense=[chunk("digest"), chunk("report"), second], lexical=[second, chunk("digest")])
    one = RetrievalSettings(recency="off", title_weight=0)
    assert ids(Retriever(store, ZeroEmbedder(), one).search("q", k=2))[0] == "digest", "the best single passage"
    two = one.model_copy(update={"article_support": 2})
    hits = Retriever(store, ZeroEmbedder(), two).search("q", k=3)
    assert ids(hits) == ["report", "digest", "report"] and hits[0].chunk_id == "report:1"


class HeadlineStore(FakeStore):
    """Like FakeStore, with a separate headline ranking."""

    def __init__(self, dense, lexical, titles):
        super().__init__(dense, lexical)
        self.titles = titles

    def lexical_query(self, query, k, where=None, *, titles_only=False):
        return [(c, 10.0) for c in (self.titles if titles_only else self.lexical)][:k]


def test_a_headline_match_reranks_text_candidates_and_adds_none():
    today = int(AS_OF.timestamp())
    last_month = int(datetime(2022, 5, 3, tzinfo=UTC).timestamp())
    # The cottage report is a month old; a fresh story shares one word of the question in its headline only.
    report, other = chunk("cottage", last_month), chunk("jubilee", last_month)
    store = HeadlineStore(dense=[other, report], lexical=[report, other], titles=[chunk("closer", today), report])
    hits = Retriever(store, ZeroEmbedder()).search("Which cottage will they move to, closer to the Queen?", 3,
                                                   SearchFilters(as_of=AS_OF))
    assert ids(hits) == ["cottage", "jubilee"], "the headline ranking lifts the report; the fresh headline is not added"


def test_recency_cue_prefers_the_latest_news():
    week_old = int(datetime(2022, 6, 9, tzinfo=UTC).timestamp())
    yesterday = int(datetime(2022, 6, 15, tzinfo=UTC).timestamp())
    store = FakeStore(dense=[chunk("old", week_old), chunk("new", yesterday)], lexical=[])
    retriever = Retriever(store, ZeroEmbedder(), RetrievalSettings(recency="cue"))
    filters = SearchFilters(as_of=AS_OF)
    assert ids(retriever.search("Which show was renewed this week?", 2, filters)) == ["new", "old"]
    assert ids(retriever.search("Which show was renewed?", 2, filters)) == ["old", "new"], "no cue, no boost"


def test_named_period_is_a_preference_not_a_filter():
    may = int(datetime(2022, 5, 20, tzinfo=UTC).timestamp())
    june = int(datetime(2022, 6, 3, tzinfo=UTC).timestamp())
    store = FakeStore(dense=[chunk("may", may), chunk("june", june)], lexical=[])
    hits = Retriever(store, ZeroEmbedder()).search("What happened in June 2022?", 2, SearchFilters(as_of=AS_OF))
    assert ids(hits) == ["june", "may"]


@pytest.mark.parametrize(
    ("question", "since", "until", "recent", "current"),
    [
        ("What happened in June 2022?", "2022-06-01", "2022-06-30", False, True),
        # Yesterday's statements are reported today, last month's figures this month: the window reaches as_of.
        ("What did the mayor say yesterday?", "2022-06-15", "2022-06-16", False, True),
        ("What happened today?", "2022-06-16", "2022-06-16", False, True),
        ("What did the council decide this month?", "2022-06-01", "2022-06-16", False, True),
        ("What did the council decide last month?", "2022-05-01", "2022-06-16", False, True),
        ("What was said on 12 June 2022?", "2022-06-12", "2022-06-12", False, False),
        ("What was said on June 12, 2022?", "2022-06-12", "2022-06-12", False, False),
        ("What happened in the past two weeks?", "2022-06-02", "2022-06-16", False, True),
        ("What was the birth rate last year?", "2021-01-01", "2022-06-16", False, True),
        ("What was the birth rate in 2021?", "2021-01-01", "2022-06-16", False, True),
        ("What happened in March 2020?", "2020-03-01", "2020-03-31", False, False),
        ("What was agreed in 2016?", "2016-01-01", "2016-12-31", False, False),
        ("Which city saw the biggest rent rise compared to a year ago?", None, None, False, False),
        ("What did Russia say last week?", None, None, True, False),
        ("What has Russia said recently?", None, None, True, False),
        ("Who won the match?", None, None, False, False),
    ],
)
def test_relative_dates_resolve_against_as_of(question, since, until, recent, current):
    scope = resolve_time(question, AS_OF)
    assert (scope.since.date().isoformat() if scope.since else None) == since
    assert (scope.until.date().isoformat() if scope.until else None) == until
    assert scope.prefers_recent is recent
    assert scope.current is current


def days_before_as_of(days: float) -> int:
    return int(AS_OF.timestamp() - days * 86400)


def test_within_the_news_cycle_text_decides_and_beyond_it_recency_does():
    # The first report (2 days old, best text match) against a follow-up of this morning.
    store = FakeStore(dense=[chunk("report", days_before_as_of(2)), chunk("follow-up", days_before_as_of(0.2))],
                      lexical=[])
    assert ids(Retriever(store, ZeroEmbedder()).search("Who won?", 2, SearchFilters(as_of=AS_OF))) == [
        "report", "follow-up"]
    # Three weeks old, it is old news: the fresh article wins however well the old one matches.
    store = FakeStore(dense=[chunk("old", days_before_as_of(21)), chunk("fresh", days_before_as_of(0.2))],
                      lexical=[])
    assert ids(Retriever(store, ZeroEmbedder()).search("Who won?", 2, SearchFilters(as_of=AS_OF))) == [
        "fresh", "old"]


def test_a_question_about_this_week_treats_the_whole_week_as_current():
    store = FakeStore(dense=[chunk("monday", days_before_as_of(6)), chunk("today", days_before_as_of(0.2))],
                      lexical=[])
    retriever = Retriever(store, ZeroEmbedder())
    filters = SearchFilters(as_of=AS_OF)
    assert ids(retriever.search("Who won this week?", 2, filters)) == ["monday", "today"]
    assert ids(retriever.search("Who won?", 2, filters)) == ["today", "monday"], "no week named: a 3-day cycle"


def test_figures_for_last_year_published_this_year_are_not_beaten_by_last_years_news():
    as_of = datetime(2022, 8, 12, 12, tzinfo=UTC)
    last_summer = int(datetime(2021, 7, 29, tzinfo=UTC).timestamp())
    this_week = int(datetime(2022, 8, 10, tzinfo=UTC).timestamp())
    store = FakeStore(dense=[chunk("2021", last_summer), chunk("2022", this_week)], lexical=[])
    hits = Retriever(store, ZeroEmbedder()).search(
        "What share of babies were born out of wedlock last year?", 2, SearchFilters(as_of=as_of))
    assert ids(hits) == ["2022", "2021"]


@pytest.fixture
def desk(tmp_path, fixture_articles):
    extra = tmp_path / "extra.jsonl"
    base = (
        "The regional football final ended with Glacier Valley beating Riverside three goals to one "
        "after striker Tomas Berg scored twice in the second half in front of a record crowd."
    )
    extra.write_text(
        json.dumps(
            {"id": "copy-1", "text": base, "source": "Wire A", "section": "sports", "published_at": "2024-03-11"}
        )
        + "\n"
        + json.dumps(
            {
                "id": "copy-2",
                "text": base.replace("record crowd", "record crowd."),
                "source": "Wire B",
                "section": "sports",
                "published_at": "2024-03-11T05:00:00Z",
            }
        )
        + "\n"
        + json.dumps(
            {
                "id": "copy-3",
                "text": base + " Fans celebrated late into the night.",
                "source": "Wire C",
                "section": "local",
                "published_at": "2024-03-11T07:00:00Z",
            }
        )
        + "\n"
    )
    d = Desk.open(tmp_path / "arch", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}))
    d.ingest([fixture_articles, extra])
    return d


def test_near_duplicates_fold_into_one_hit_listing_copies(desk):
    hits = desk.search("Glacier Valley Riverside final Tomas Berg", k=5)
    copies = [h for h in hits if h.article_id.startswith("copy-")]
    assert len(copies) == 1, "syndicated copies appear once"
    assert set(copies[0].copies) | {copies[0].article_id} == {"copy-1", "copy-2", "copy-3"}


def test_metadata_filter_in_both_indexes(desk):
    hits = desk.search("Glacier Valley final", metadata={"section": "local"})
    assert ids(hits) == ["copy-3"]


def test_filters_that_match_nothing_return_nothing_and_say_why(desk):
    window = {"since": datetime(2030, 1, 1, tzinfo=UTC), "as_of": datetime(2030, 6, 1, tzinfo=UTC)}
    assert desk.search("rent cap", **window) == []
    answer = desk.ask("What did the council decide on rents?", **window)
    assert answer.abstained and answer.reason.startswith("no articles match the filters (since 2030-01-01")
    assert desk.search("rent cap", metadata={"section": "nope"}) == []


def test_undated_articles_pass_the_as_of_cut_off_but_not_an_explicit_range(tmp_path):
    path = tmp_path / "undated.jsonl"
    path.write_text(
        '{"id": "u", "text": "Undated memo about the harbor dredging plan."}\n'
        '{"id": "d", "text": "Dated note about the harbor dredging plan.", "date": "2024-01-05"}\n'
    )
    desk = Desk.open(tmp_path / "arch", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}))
    desk.ingest([path])
    assert set(ids(desk.search("harbor dredging plan"))) == {"u", "d"}
    assert ids(desk.search("harbor dredging plan", as_of=datetime(2024, 1, 1, tzinfo=UTC))) == ["u"]
    assert ids(desk.search("harbor dredging plan", since=datetime(2023, 1, 1, tzinfo=UTC))) == ["d"]


def test_as_of_cut_off_holds_when_most_nearest_passages_are_later(tmp_path):
    # 30 later articles crowd the nearest neighbours: the fast unfiltered search must fall back to the
    # filtered one rather than return too few (or later) passages.
    path = tmp_path / "crowd.jsonl"
    lines = [
        json.dumps({"id": f"late-{i}", "text": f"Harbor dredging plan update {i}.", "date": "2024-06-01"})
        for i in range(30)
    ]
    lines.append(json.dumps({"id": "early", "text": "Harbor dredging plan first announced.", "date": "2024-01-01"}))
    path.write_text("\n".join(lines) + "\n")
    desk = Desk.open(tmp_path / "arch", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}))
    desk.ingest([path])
    hits = desk.search("harbor dredging plan", k=3, as_of=datetime(2024, 2, 1, tzinfo=UTC))
    assert ids(hits) == ["early"]
    before = ChunkFilter(as_of_ts=int(datetime(2024, 2, 1, tzinfo=UTC).timestamp()))
    assert desk.store.query(desk.embedder.embed_query("harbor dredging"), 2, before)[0].chunk.article_id == "early"
    lexical = desk.store.lexical_query("harbor dredging", 2, before)
    assert [c.article_id for c, _ in lexical] == ["early"]
