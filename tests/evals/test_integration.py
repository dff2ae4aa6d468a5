"""A smoke eval through the real parts on real news: bundled MiniLM, embedded chromadb, llama-index, bm25s, and
(for one question) the bundled LLM.

The subset: 10 RealTimeQA dev questions whose gold articles have text (every 10th such question), their gold
articles, and 150 other (short) articles spread over the archive, written to a temporary folder; nothing is
copied into the repo.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from evals import run
from evals.scoring import ANSWER_METRICS, MAIN_METRICS, RETRIEVAL_METRICS
from qa.settings import Settings

pytestmark = pytest.mark.slow

RTQA = Path(__file__).resolve().parents[3] / "shared" / "data" / "rtqa2022"
SYSTEMS = "newsdesk,bm25,llamaindex-default"
# Measured on this subset: newsdesk hits@1 = 0.9, hits@5 = hits@10 = 1.0 (bm25 and llamaindex-default: the same
# hits@5). The floor (8 of 10) leaves room for two misses from a model or chunking change.
NEWSDESK_HITS5_FLOOR = 0.8
# Measured on this subset with the bundled 0.5B model (2026-11-24): contains_gold = 0.1 (1 of 10: the citation
# check drops what the small model gets wrong, and 7 of 10 answers became abstentions), mc_accuracy = 0.7.
# Floors: at least one answer holds the gold text; multiple choice at least 5 of 10 (chance is 2.5).
NEWSDESK_CONTAINS_GOLD_FLOOR = 0.1
NEWSDESK_MC_FLOOR = 0.5


def _write_subset(folder: Path, questions: int = 10, others: int = 150) -> tuple[Path, Path]:
    articles = [json.loads(line) for line in gzip.open(RTQA / "articles.jsonl.gz", "rt", encoding="utf-8")]
    with_text = {a["article_id"] for a in articles if a.get("text")}
    answerable = [
        record
        for record in map(json.loads, (RTQA / "questions-dev.jsonl").read_text(encoding="utf-8").splitlines())
        if record["gold_article_ids"] and all(g in with_text for g in record["gold_article_ids"])
    ]
    chosen = answerable[::10][:questions]  # every 10th: question dates from June to August
    gold = {g for q in chosen for g in q["gold_article_ids"]}
    # Short distractors spread over the archive keep embedding time down (~600 chunks in all).
    rest = [a for a in articles if a["article_id"] not in gold and a.get("text") and len(a["text"]) <= 6000]
    rest = rest[::12][:others]
    q_path, a_path = folder / "questions.jsonl", folder / "articles.jsonl"
    q_path.write_text("".join(json.dumps(q) + "\n" for q in chosen), encoding="utf-8")
    a_path.write_text(
        "".join(json.dumps(a) + "\n" for a in [a for a in articles if a["article_id"] in gold] + rest), encoding="utf-8"
    )
    return q_path, a_path


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory, eval_model_cache: Path) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("eval-smoke")
    questions, articles = _write_subset(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        settings = Settings(cache_dir=eval_model_cache)
        report = run(questions, articles, systems=SYSTEMS, out=folder / "out", answers=False,
                     cache_dir=folder / "cache", settings=settings, progress=False)
    n_articles = len(articles.read_text(encoding="utf-8").splitlines())
    return {"folder": folder, "questions": questions, "articles": articles, "n_articles": n_articles,
            "report": report, "settings": settings}


def test_smoke_report_has_the_stable_shape(smoke: dict[str, Any]) -> None:
    report, out = smoke["report"], smoke["folder"] / "out"
    assert {"questions", "settings", "versions", "inputs", "systems", "breakdowns"} <= set(report)
    assert report["questions"] == report["questions_with_gold_articles"] == 10
    assert list(report["systems"]) == ["newsdesk", "bm25", "llamaindex-default"]
    for metrics in report["systems"].values():
        assert set(MAIN_METRICS) <= set(metrics)
        assert all(metrics[m] is not None for m in RETRIEVAL_METRICS)
        assert all(metrics[m] is None for m in ANSWER_METRICS)  # --no-answers
        assert metrics["errors"] == 0
    assert report["inputs"]["articles"]["readable"] == smoke["n_articles"] > 150
    assert len(report["inputs"]["articles"]["sha256"]) == 64
    assert report["settings"]["builds"]["newsdesk"]["cached"] is False
    assert report["settings"]["builds"]["llamaindex-default"]["cached"] is False
    assert {p.name for p in out.iterdir()} >= {"report.json", "report.md", "chart.png", "answers.jsonl", "runs"}
    assert len((out / "answers.jsonl").read_text().splitlines()) == 30
    assert json.loads((out / "report.json").read_text())["systems"] == report["systems"]


def test_newsdesk_finds_gold_articles(smoke: dict[str, Any]) -> None:
    systems = smoke["report"]["systems"]
    assert systems["newsdesk"]["hits@5"] >= NEWSDESK_HITS5_FLOOR
    assert systems["newsdesk"]["hits@10"] >= systems["newsdesk"]["hits@5"] >= systems["newsdesk"]["hits@1"]
    assert systems["bm25"]["hits@10"] > 0.5 and systems["llamaindex-default"]["hits@10"] > 0.5


def test_rerun_reuses_cached_indexes_and_repeats_results(smoke: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        again = run(smoke["questions"], smoke["articles"], systems=SYSTEMS, out=smoke["folder"] / "again",
                    answers=False, cache_dir=smoke["folder"] / "cache", settings=smoke["settings"], progress=False)
    builds = again["settings"]["builds"]
    assert builds["newsdesk"]["cached"] and builds["llamaindex-default"]["cached"]
    assert builds["newsdesk"]["path"] == smoke["report"]["settings"]["builds"]["newsdesk"]["path"]
    for name, metrics in again["systems"].items():
        for metric in RETRIEVAL_METRICS:
            assert metrics[metric] == smoke["report"]["systems"][name][metric], (name, metric)


def test_answers_by_the_bundled_llm_stay_above_the_floors(smoke: dict[str, Any]) -> None:
    # All ten questions (~10 s each on 2 cores: ~700-token prompts); the multiple-choice pick is Desk.choose.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        report = run(smoke["questions"], smoke["articles"], systems="newsdesk", out=smoke["folder"] / "llm",
                     cache_dir=smoke["folder"] / "cache", settings=smoke["settings"], progress=False)
    metrics = report["systems"]["newsdesk"]
    print({k: metrics[k] for k in ("contains_gold", "mc_accuracy", "abstain_rate", "citation_coverage")})
    assert metrics["n_answered"] == 10 and metrics["errors"] == 0
    assert metrics["contains_gold"] >= NEWSDESK_CONTAINS_GOLD_FLOOR
    assert metrics["mc_accuracy"] >= NEWSDESK_MC_FLOOR
    rows = [json.loads(line) for line in (smoke["folder"] / "llm" / "answers.jsonl").read_text().splitlines()]
    assert all(r["mc_reply"] in {"choose:evidence", "choose:llm"} and r["mc_choice"] in (0, 1, 2, 3) for r in rows)
    assert metrics["mc_text_accuracy"] is None  # not asked of newsdesk
    answered = [r for r in rows if not r["abstained"]]
    assert answered and all(r["citations"] for r in answered), "every answer that is not an abstention cites"
