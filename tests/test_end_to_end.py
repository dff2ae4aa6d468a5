"""End to end on real news through the real parts: bundled MiniLM, embedded chromadb, the bundled LLM."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rtqa_subset import question_as_of, write_subset

from qa import Desk, Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rtqa(tmp_path_factory, model_cache):
    folder = tmp_path_factory.mktemp("rtqa")
    articles, questions = write_subset(folder, questions=10, others=250)
    desk = Desk.open(folder / "archive", Settings(cache_dir=model_cache), create=True)
    report = desk.ingest([articles])
    return desk, articles, questions, report


def test_real_subset_ingests_cleanly(rtqa):
    desk, _, _, report = rtqa
    assert report.failed == []
    assert report.added + report.duplicates == 260
    assert desk.stats().chunks == report.chunks > 1000
    # By default (dense_chunks) only each article's opening chunks reach chromadb; the gold tests below run on it.
    dense_chunks = desk.settings.index.dense_chunks
    assert desk.store.vector_count() == desk.stats().vectors == report.embedded <= dense_chunks * report.added
    assert report.embedded < report.chunks / 2


@pytest.mark.parametrize("position", range(10))
def test_gold_article_is_retrieved(rtqa, position):
    desk, _, questions, _ = rtqa
    question = questions[position]
    hits = desk.search(question["question_sentence"], k=10, as_of=question_as_of(question))
    assert {h.article_id for h in hits} & set(question["gold_article_ids"]), question["question_sentence"]
    assert all(h.article.published_at is None or h.article.published_at <= question_as_of(question) for h in hits)


def test_reingest_changes_nothing(rtqa, tmp_path):
    # On a copy: the other tests share the module's archive, and a re-ingest that did change it must not leak.
    shared, articles, _, first = rtqa
    desk = Desk.open(shutil.copytree(shared.path, tmp_path / "archive"), shared.settings)
    before = desk.stats()
    assert (before.articles, before.chunks) == (shared.stats().articles, shared.stats().chunks)
    again = desk.ingest([articles])
    assert (again.added, again.updated, again.chunks) == (0, 0, 0)
    assert again.unchanged == first.added and again.duplicates == first.duplicates
    after = desk.stats()
    assert (after.articles, after.chunks) == (before.articles, before.chunks)
    assert desk.store.chunk_count() == after.chunks


@pytest.mark.parametrize("position", [1, 2])
def test_ask_cites_retrieved_passages_with_the_bundled_llm(rtqa, position):
    desk, _, questions, _ = rtqa
    question = questions[position]
    answer = desk.ask(question["question_sentence"], as_of=question_as_of(question))
    assert not answer.abstained, answer.reason
    hit_chunks = {h.chunk_id for h in answer.hits}
    assert answer.citations, answer.text
    assert all(c.chunk_id in hit_chunks for c in answer.citations)
    assert all(f"[{c.marker}]" in answer.text for c in answer.citations)
    assert all(s.supported for s in answer.sentences if f"{s.text}" in answer.text)
    for citation in answer.citations:
        article = desk.article(citation.article_id)
        for span in citation.spans:  # the exact supporting sentences, by offsets into the article
            assert article.text[span.start : span.end] == span.text


def test_readme_demo_command(tmp_path, model_cache):
    env = {**os.environ, "NEWSDESK_ARCHIVE": str(tmp_path / "demo"), "NEWSDESK_CACHE_DIR": str(model_cache)}
    newsdesk = Path(sys.executable).with_name("newsdesk")
    result = subprocess.run([str(newsdesk), "demo"], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "14 added" in out
    assert "Q: What has Russia said about US strikes?" in out
    assert "Sources:\n  [" in out and "newsdesk sample, 2025-06-2" in out, out
    assert "newsdesk serve" in out
