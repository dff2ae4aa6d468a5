"""``newsdesk bench --articles``: ingest into a fresh temporary archive, the model alone on the same texts, sizes on
disk and search; the counts are what ingest stored (speeds are printed, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.bench_ingest import benchmark_ingest
from qa import Desk, Settings
from ui.cli import cli

KEYS = {
    "articles", "chunks", "embedded_chunks", "seconds", "articles_per_s", "chunks_per_s", "embedded_per_s",
    "raw_texts", "raw_texts_per_s", "ingest_vs_raw_ratio", "ingest_peak_rss_mb", "peak_rss_mb", "index_mb",
    "torch_threads", "embed_batch_size", "search", "cpu_seconds", "raw_cpu_seconds", "ingest_vs_raw_cpu_ratio",
}  # fmt: skip


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    path = tmp_path / "questions.jsonl"
    lines = [{"question": "Which airline ordered 40 new jets?", "gold_article_ids": ["fx-4"]},
             {"question": "What did the Harbor city council decide on rents?"}]  # fmt: skip
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return path


def hashed() -> Settings:
    return Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})


def test_the_figures_count_what_ingest_stored_and_the_temporary_archive_is_gone(fixture_articles, questions, tmp_path):
    plain = Desk.open(tmp_path / "plain", hashed(), create=True).ingest([fixture_articles])
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    handled: list[int] = []
    bench = benchmark_ingest(fixture_articles, hashed(), questions=questions, progress=handled.append, workdir=scratch)
    assert KEYS <= set(bench.model_dump())
    assert (bench.articles, bench.duplicates, bench.failed) == (plain.added, plain.duplicates, len(plain.failed))
    assert (bench.chunks, bench.embedded_chunks) == (plain.chunks, plain.embedded) and bench.embedded_chunks > 0
    assert bench.read == plain.seen + len(plain.failed) == sum(handled)
    assert bench.raw_texts == bench.embedded_chunks, "a sample larger than the texts takes them all"
    assert bench.raw_texts_per_s and bench.ingest_vs_raw_ratio and bench.seconds > 0
    assert set(bench.index_mb) == {"manifest", "lexical", "chroma", "total"}
    assert all(mb > 0 for mb in bench.index_mb.values())
    assert bench.index_mb["total"] >= bench.index_mb["manifest"] + bench.index_mb["lexical"] + bench.index_mb["chroma"]
    assert bench.peak_rss_mb >= bench.ingest_peak_rss_mb > 0
    assert bench.search is not None and bench.search.queries == 2 and bench.search.judged == 1
    assert bench.search.archive_articles == bench.articles
    assert list(scratch.iterdir()) == [], "the temporary archive is deleted"


def test_limit_ingests_the_first_records_and_the_sample_is_bounded(fixture_articles):
    bench = benchmark_ingest(fixture_articles, hashed(), limit=3, raw_sample=2)
    assert (bench.read, bench.articles) == (3, 3) and bench.search is None
    assert bench.raw_texts == 2 < bench.embedded_chunks


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def fast(monkeypatch):  # noqa: ANN201
    monkeypatch.setenv("NEWSDESK_INDEX__EMBEDDING_MODEL", "hash")
    monkeypatch.setenv("NEWSDESK_LLM__BACKEND", "fake")


def test_bench_articles_prints_the_figures_and_writes_them_as_json(fast, fixture_articles, questions, tmp_path):
    out = tmp_path / "bench.json"
    result = run("bench", "--articles", str(fixture_articles), "--questions", str(questions), "--json", str(out))
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    assert KEYS <= set(written) and written["search"]["queries"] == 2
    plain = Desk.open(tmp_path / "plain", hashed(), create=True).ingest([fixture_articles])
    assert (written["articles"], written["chunks"], written["embedded_chunks"]) == (
        plain.added, plain.chunks, plain.embedded
    )
    for figure in ("articles stored", "embedded chunks/s", "model alone:", "ingest/raw ratio",
                   "peak RSS of this process", "index on disk: manifest", "search over", "p95"):  # fmt: skip
        assert figure in result.stdout, (figure, result.stdout)
    alone = run("bench", "--articles", str(fixture_articles), "--limit", "2", "--json")
    assert alone.exit_code == 0 and json.loads(alone.stdout)["read"] == 2


def test_a_kept_archive_holds_what_the_bench_ingested_and_a_used_folder_is_refused(fast, fixture_articles, tmp_path):
    kept = tmp_path / "kept"
    result = run("bench", "--articles", str(fixture_articles), "--keep-archive", str(kept), "--json")
    assert result.exit_code == 0, result.output
    stored = json.loads(result.stdout)["articles"]
    desk = Desk.open(kept, hashed())
    assert desk.store.article_count() == stored > 0 and desk.search("Harbor rent cap", k=1)
    again = run("bench", "--articles", str(fixture_articles), "--keep-archive", str(kept))
    assert again.exit_code == 2 and "not an empty folder" in again.output
    assert Desk.open(kept, hashed()).store.article_count() == stored, "the kept archive is untouched"
    alone = run("bench", "--keep-archive", str(tmp_path / "other"))
    assert alone.exit_code == 2 and "give --articles FILE" in alone.output


def test_bench_refuses_to_mix_forms_and_never_overwrites_an_input(fast, fixture_articles, questions):
    before = questions.read_text()
    # --json takes an optional file name, so here it reads the questions' name as where to write.
    swallowed = run("bench", "--json", str(questions))
    assert swallowed.exit_code == 2 and "write it after QUERIES" in swallowed.output
    assert questions.read_text() == before
    overwrite = run("bench", "--articles", str(fixture_articles), "--questions", str(questions), "--json",
                    str(questions))  # fmt: skip
    assert overwrite.exit_code == 2 and "would overwrite an input" in overwrite.output
    assert questions.read_text() == before
    mixed = run("bench", "--articles", str(fixture_articles), "--answers")
    assert mixed.exit_code == 2 and "drop --answers" in mixed.output
    served = run("bench", "--articles", str(fixture_articles), "--database-url", "postgresql://db/news")
    assert served.exit_code == 2 and "no servers" in served.output


@pytest.mark.slow
def test_with_the_bundled_model_the_raw_rate_is_measured_on_the_texts_ingest_embedded(fixture_articles, questions):
    bench = benchmark_ingest(fixture_articles, Settings(llm={"backend": "fake"}), questions=questions)
    assert bench.model == "all-MiniLM-L6-v2" and bench.torch_threads and bench.torch_threads >= 1
    assert bench.raw_texts == bench.embedded_chunks > 0
    assert bench.raw_texts_per_s and bench.ingest_vs_raw_ratio and bench.ingest_vs_raw_cpu_ratio
    assert bench.model_busy_seconds > 0
    assert bench.search is not None and bench.search.judged == 1
