"""Headline-only items (a URL and nothing else, stored with its slug as title and text) never outrank an article with
text for the same words, with or without ``as_of``, and are still found when nothing else matches."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.archive.store import StoredChunk
from index.chunking import Chunk
from index.reference import ArticleRef
from qa.filters import SearchFilters
from qa.retrieval.retriever import Retriever
from qa.settings import RetrievalSettings

FIXTURE_ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles.jsonl"

AS_OF = datetime(2022, 6, 25, tzinfo=UTC)
STUB_URL = "https://www.cnn.com/2022/06/20/americas/colombia-election-petro-wins/index.html"
ORPHAN_URL = "https://www.cnn.com/2022/06/22/world/ukraine-grain-corridor-talks/index.html"
ARTICLE = {
    "id": "petro", "title": "Leftist Gustavo Petro elected president", "source": "Wire A",
    "published_at": "2022-06-20T08:00:00Z",
    "text": "Former rebel Gustavo Petro won the presidential election in Colombia on Sunday, taking 50.4% of the "
            "vote in a runoff against businessman Rodolfo Hernandez.\n\nPetro will take office in August.",
}


class FakeStore:
    """Fixed dense and lexical rankings, to test the order after fusion in isolation."""

    def __init__(self, dense: list[Chunk], lexical: list[Chunk]) -> None:
        self.dense, self.lexical = dense, lexical

    def query(self, vector, k, where=None):
        return [StoredChunk(chunk=c, similarity=0.5) for c in self.dense][:k]

    def lexical_query(self, query, k, where=None, *, titles_only=False):
        return [(c, 10.0) for c in self.lexical][:k]


class ZeroEmbedder:
    name, dimension = "zero", 2

    def embed_query(self, text):
        return [0.0, 0.0]


def chunk(cid: str, text: str, *, title: str | None = None, ts: int | None = None, headline_only=False) -> Chunk:
    ref = ArticleRef.from_ts(cid, title, None, None, ts, headline_only=headline_only)
    return Chunk(chunk_id=f"{cid}:0", article=ref, n=0, text=text, start=0, end=len(text))


@pytest.mark.parametrize("as_of", [None, AS_OF])
def test_a_headline_only_item_never_outranks_a_passage_with_its_words(as_of):
    stub = chunk("stub", "Colombia election Petro wins", headline_only=True)
    june = int(datetime(2022, 6, 20, tzinfo=UTC).timestamp())
    article, other = chunk("petro", ARTICLE["text"], ts=june), chunk("other", "Petro spoke again.", ts=june)
    # The stub is first in both rankings (and undated, so no time preference pushes it down): fused, it would lead.
    store = FakeStore(dense=[stub, article, other], lexical=[stub, other, article])
    hits = Retriever(store, ZeroEmbedder(), RetrievalSettings(recency="always")).search(
        "Colombia election Petro wins", k=3, filters=SearchFilters(as_of=as_of))
    assert [h.article_id for h in hits][2] == "stub" and {h.article_id for h in hits[:2]} == {"petro", "other"}
    assert hits[2].article.headline_only and not hits[0].article.headline_only, "a hit says what it is"


def test_a_headline_only_item_is_still_found_when_no_text_has_its_words():
    stub = chunk("stub", "Ukraine grain corridor talks", headline_only=True)
    unrelated = chunk("football", "Glacier Valley beat Riverside three goals to one.")
    # Dense search always returns the nearest passages, related or not: they do not bury the stub.
    hits = Retriever(FakeStore(dense=[stub, unrelated], lexical=[stub]), ZeroEmbedder()).search("grain corridor", k=3)
    assert [h.article_id for h in hits] == ["stub", "football"]


# -- through the real ingest pipeline, archive and embedding model --------------------------------------------------


@pytest.fixture(scope="module")
def archive(build_shared_archive):
    return build_shared_archive(FIXTURE_ARTICLES, records=(ARTICLE, {"url": STUB_URL}, {"url": ORPHAN_URL}))


@pytest.mark.parametrize("as_of", [None, AS_OF])
def test_an_undated_stub_with_the_same_words_ranks_below_the_article(archive, as_of):
    desk = archive.desk()
    stub = next(c for c in desk.store.iter_chunks() if c.article.url == STUB_URL)
    assert stub.article.headline_only and stub.text == "Colombia election petro wins", "stored with its slug"
    hits = desk.search("Colombia election Petro wins", SearchFilters(as_of=as_of), k=5)
    ids = [h.article.url or h.article_id for h in hits]
    assert ids[0] == "petro" and STUB_URL in ids, ids
    assert all(not h.article.headline_only for h in hits[: ids.index(STUB_URL)])
    archive.check_unchanged()


def test_a_stub_is_found_when_no_article_has_its_words(archive):
    desk = archive.desk()
    hits = desk.search("Ukraine grain corridor talks", k=3)
    assert hits and hits[0].article.url == ORPHAN_URL and hits[0].article.headline_only
    archive.check_unchanged()
