"""``index.stages.LocalStages``: the model embeds in a background thread while ingest reads, chunks and writes, and the
archive is exactly the one batch-by-batch preparation gives; a batch that fails still names its failing article."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest

import index.chunking
import index.stages
from index import ArchiveStore, HashEmbedder, IndexSettings, ingest
from index.articles import Article
from index.chunking import chunk_and_embed
from index.errors import ModelError
from index.loaders import Loaded, LoadProblem, load
from index.stages import LocalStages, PreparedBatch

WORDS = "harbor council rent cap ferry storm bridge museum wages bank inflation court ruling election vote".split()


def write_articles(path: Path, count: int, *, seed: int = 3) -> Path:
    """``count`` invented articles of one to four chunks each (at chunk_size 40), ids ``a-N``."""
    rng = random.Random(seed)
    lines = []
    for n in range(count):
        text = " ".join(" ".join(rng.choices(WORDS, k=9)).capitalize() + "." for _ in range(rng.randint(2, 14)))
        lines.append(json.dumps({"id": f"a-{n}", "title": f"Story {n} {rng.choice(WORDS)}", "text": text}))
    path.write_text("\n".join(lines) + "\n")
    return path


def settings(**changes: object) -> IndexSettings:
    return IndexSettings(**{"embedding_model": "hash", "upsert_batch_size": 3, "chunk_size": 40, "chunk_overlap": 5,
                            "dense_chunks": 2, **changes})  # fmt: skip


class BatchByBatch:
    """The stages as they were before the overlap: each batch chunked and embedded when asked for."""

    def __init__(self, settings: IndexSettings, embedder: HashEmbedder) -> None:
        self.settings, self.embedder = settings, embedder

    def read(self, paths: Iterable[str | Path]) -> Iterator[Loaded | LoadProblem]:
        return load(paths)

    def prepare(self, batches: Iterable[Sequence[Article]]) -> Iterator[PreparedBatch | Exception]:
        for articles in batches:
            try:
                yield chunk_and_embed(articles, self.settings, self.embedder)
            except Exception as exc:  # noqa: BLE001 - as LocalStages did
                yield exc


def archive_of(store: ArchiveStore) -> dict[str, object]:
    """Articles, chunks (ids, texts, offsets) and vectors, to compare two archives."""
    db = store._manifest.connection
    got = store._vectors.collection.get(include=["embeddings"])
    return {
        "articles": sorted(db.execute("SELECT article_id, content_hash FROM articles").fetchall()),
        "chunks": sorted(db.execute("SELECT chunk_id, text, start, end FROM chunks").fetchall()),
        "vectors": sorted(zip(got["ids"], (list(map(float, v)) for v in got["embeddings"]), strict=True)),
        "lexical": store._lexical.count(),
    }


@pytest.mark.parametrize(("encode_texts", "look_ahead"), [(512, 1), (1, 0), (7, 2), (5, 1)])
def test_the_overlapped_stages_build_exactly_the_archive_batch_by_batch_preparation_builds(
    tmp_path, encode_texts, look_ahead
):
    feed = write_articles(tmp_path / "feed.jsonl", 40)
    reference = ArchiveStore(tmp_path / "reference", settings(), create=True)
    expected = ingest([feed], reference, HashEmbedder(), stages=BatchByBatch(settings(), HashEmbedder()))
    store = ArchiveStore(tmp_path / "overlapped", settings(), create=True)
    stages = LocalStages(settings(), HashEmbedder(), encode_texts=encode_texts, look_ahead=look_ahead)
    report = ingest([feed], store, HashEmbedder(), stages=stages)
    assert report.model_dump(exclude={"seconds"}) == expected.model_dump(exclude={"seconds"})
    assert report.added == 40 and report.embedded > 40
    assert archive_of(store) == archive_of(reference)


def test_each_batch_comes_back_with_its_own_chunks_and_vectors_in_order(tmp_path):
    articles = [item.article for item in load([write_articles(tmp_path / "feed.jsonl", 23)])]
    batches = [articles[i : i + 4] for i in range(0, len(articles), 4)]
    got = list(LocalStages(settings(), HashEmbedder(), encode_texts=9).prepare(batches))
    assert got == [chunk_and_embed(batch, settings(), HashEmbedder()) for batch in batches]


def test_reading_ahead_is_bounded_whatever_the_input(tmp_path):
    # An endless feed of one-text batches: before the first result is handed back, only the look-ahead is read.
    pulled = [0]

    def endless() -> Iterator[list[Article]]:
        while True:
            pulled[0] += 1
            yield [Article(article_id=f"b-{pulled[0]}", title="T", text="One short sentence.")]

    results = LocalStages(settings(), HashEmbedder(), encode_texts=4, look_ahead=1).prepare(endless())
    first = next(results)
    assert first[0][0].article_id == "b-1"
    assert pulled[0] <= 2 * 4  # the call being embedded and the next one queued
    results.close()  # stops the model's thread


def test_when_ingest_stops_the_model_stops_at_its_next_slice_of_texts():
    # The second call's first slice waits until ingest has gone; the rest of that call is never embedded.
    started, release = threading.Event(), threading.Event()
    slices: list[list[str]] = []

    class Held(HashEmbedder):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            if any(text.startswith("Late") for text in texts):
                started.set()
                release.wait(timeout=60)
            slices.append(texts)
            return super().embed_documents(texts)

    early = [[Article(article_id=f"e-{n}", title="Early", text="A short story.")] for n in range(2)]
    late = [[Article(article_id=f"l-{n}", title="Late", text="A short story.") for n in range(40)]]
    stages = LocalStages(settings(embed_batch_size=1), Held(), encode_texts=2, look_ahead=1)
    results = stages.prepare(iter([*early, *late]))
    assert next(results)[0][0].article_id == "e-0"
    assert started.wait(timeout=60), "the second call is running"
    results.close()
    release.set()
    for thread in [t for t in threading.enumerate() if t.name.startswith("newsdesk-embed")]:
        thread.join(timeout=60)
    late_slices = [s for s in slices if s[0].startswith("Late")]
    assert [len(s) for s in late_slices] == [2], "one slice of 2 texts (2 x embed_batch_size), not all 40 texts"


def test_the_model_runs_in_a_background_thread(tmp_path):
    callers: set[str] = set()

    class Watching(HashEmbedder):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            callers.add(threading.current_thread().name)
            return super().embed_documents(texts)

    store = ArchiveStore(tmp_path / "a", settings(), create=True)
    ingest([write_articles(tmp_path / "feed.jsonl", 10)], store, Watching(), stages=LocalStages(settings(), Watching()))
    assert callers and all(name.startswith("newsdesk-embed") for name in callers)


def test_an_article_the_chunker_fails_on_is_named_and_a_later_copy_of_it_is_judged_after_the_failure(
    tmp_path, monkeypatch
):
    real = index.chunking.chunk_article

    def fragile(article: Article, *args: object) -> list:  # type: ignore[type-arg]
        if article.article_id == "a-4":
            raise TimeoutError("regular-expression match exceeded its 5.0s time limit")
        return real(article, *args)

    # The stages cut articles themselves; ingest's one-by-one retry goes through chunk_and_embed.
    monkeypatch.setattr(index.stages, "chunk_article", fragile)
    monkeypatch.setattr(index.chunking, "chunk_article", fragile)
    feed = write_articles(tmp_path / "feed.jsonl", 12)
    lines = feed.read_text().splitlines()
    # The same text under another id opens the next batch: read ahead of a-4's failure, it would be dropped as a
    # duplicate of an article that is never stored.
    copy = {**json.loads(lines[4]), "id": "copy-of-a-4"}
    feed.write_text("\n".join([*lines[:6], json.dumps(copy), *lines[6:]]) + "\n")
    store = ArchiveStore(tmp_path / "a", settings(), create=True)
    report = ingest([feed], store, HashEmbedder(), stages=LocalStages(settings(), HashEmbedder(), encode_texts=2))
    assert [(Path(f.path).name, f.line, f.reason.split(" (")[0]) for f in report.failed] == [
        ("feed.jsonl", 5, "could not cut the article into passages")
    ]
    assert report.added == 12 and report.duplicates == 0
    assert store.article("a-4") is None and store.article("copy-of-a-4") is not None
    assert all(store.article(f"a-{n}") for n in range(12) if n != 4)


def test_a_failing_call_of_the_model_costs_only_the_article_at_fault(tmp_path):
    class Poisoned(HashEmbedder):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            if any("Poison" in text for text in texts):
                raise RuntimeError("the model choked")
            return super().embed_documents(texts)

    feed = write_articles(tmp_path / "feed.jsonl", 10)
    lines = feed.read_text().splitlines()
    lines[6] = json.dumps({"id": "bad", "title": "Poison", "text": "A story the model cannot read."})
    feed.write_text("\n".join(lines) + "\n")
    store = ArchiveStore(tmp_path / "a", settings(), create=True)
    report = ingest([feed], store, Poisoned(), stages=LocalStages(settings(), Poisoned(), encode_texts=100))
    assert [(f.line, f.reason.split(" (")[0]) for f in report.failed] == [
        (7, "could not cut the article into passages")
    ]
    assert report.added == 9 and store.article("bad") is None


def test_a_missing_model_still_stops_the_ingest(tmp_path):
    class Missing(HashEmbedder):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            raise ModelError("the bundled embedding model is missing")

    store = ArchiveStore(tmp_path / "a", settings(), create=True)
    feed = write_articles(tmp_path / "feed.jsonl", 10)
    with pytest.raises(ModelError):
        ingest([feed], store, Missing(), stages=LocalStages(settings(), Missing()))
    assert store.article_count() == 0
