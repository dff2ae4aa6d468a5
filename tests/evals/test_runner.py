"""evals.run end to end on an invented archive (hash embedder, fake LLM): shape, dates, resume, determinism, CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import evals.runner
from evals import run
from evals.__main__ import main
from evals.datasets import Query
from evals.scoring import MAIN_METRICS
from qa.desk import Desk
from qa.settings import Settings

TOP_LEVEL = {"questions", "questions_with_gold_articles", "settings", "versions", "inputs", "systems", "breakdowns"}
FAST = "newsdesk,bm25,newsrag"


def _rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]


def test_report_shape_and_answer_metrics(tiny, hash_settings, rule_llm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    report = run(*tiny, systems=FAST, out=out, settings=hash_settings, llm=rule_llm, progress=False)
    assert TOP_LEVEL <= set(report)
    assert report["questions"] == 5 and report["questions_with_gold_articles"] == 4
    assert list(report["systems"]) == ["newsdesk", "bm25", "newsrag"]
    for metrics in report["systems"].values():
        assert set(MAIN_METRICS) <= set(metrics)
    assert report["systems"]["bm25"]["mc_accuracy"] is None  # retrieval-only baseline
    assert report["systems"]["newsdesk"]["mc_accuracy"] is not None
    assert report["systems"]["newsrag"]["abstain_rate"] is not None
    assert set(report["breakdowns"]) == {"month", "source", "gold_retrieved"}
    assert set(report["breakdowns"]["month"]) == {"2022-06", "2022-07", "2022-08", "undated"}
    assert report["inputs"]["questions"]["sha256"] and report["inputs"]["articles"]["unreadable"] == 1
    assert report["versions"]["bm25s"] and report["versions"]["newsrag"] == "0.6.4"
    assert json.loads((out / "report.json").read_text())["systems"] == report["systems"]
    rows = _rows(out)
    assert len(rows) == 15 and {"retrieved", "answer", "citations", "correct"} <= set(rows[0])
    # newsrag got RealTimeQA's letter turn for each question with choices ("A", right for rt1 only); newsdesk
    # picks with Desk.choose and records how.
    mc_prompts = [p for p in rule_llm.prompts if "Reply with one letter" in p[-1].content]
    assert len(mc_prompts) == 3
    newsdesk_rows = [r for r in rows if r["system"] == "newsdesk" and r["choices"]]
    assert newsdesk_rows and all(r["mc_reply"] in {"choose:evidence", "choose:llm"} for r in newsdesk_rows)
    assert all(r["mc_choice"] is not None for r in newsdesk_rows)


def test_systems_that_take_a_date_never_see_later_articles(tiny, hash_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run(*tiny, systems=FAST, out=tmp_path / "out", settings=hash_settings, answers=False, progress=False)
    rows = {(r["system"], r["qid"]): r for r in _rows(tmp_path / "out")}
    # nd1 is asked on 2022-07-22; "heat-later" (2022-08-30) holds the same passage.
    assert "heat" in rows[("newsdesk", "nd1")]["retrieved"]
    assert "heat-later" not in rows[("newsdesk", "nd1")]["retrieved"]
    assert "heat-later" not in rows[("newsrag", "nd1")]["retrieved"]
    assert "heat-later" in rows[("bm25", "nd1")]["retrieved"]  # bm25 takes no date
    assert rows[("bm25", "nd1")]["answer"] is None


def test_systems_only_ever_receive_queries(tiny, hash_settings, rule_llm, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[Any] = []
    real = evals.runner.make_system

    def spying(name: str, ctx: Any) -> Any:
        system = real(name, ctx)
        for method in ("retrieve", "answer"):
            inner = getattr(system, method)

            def spy(query: Any, inner: Any = inner) -> Any:
                seen.append(query)
                return inner(query)

            setattr(system, method, spy)
        return system

    monkeypatch.setattr(evals.runner, "make_system", spying)
    run(*tiny, systems=FAST, out=tmp_path / "out", settings=hash_settings, llm=rule_llm, progress=False)
    assert seen and all(type(q) is Query for q in seen)


def test_resume_redoes_only_unfinished_questions(tiny, hash_settings, rule_llm, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    first = run(*tiny, systems="newsdesk,bm25", out=out, settings=hash_settings, llm=rule_llm, progress=False)
    # Simulate an interruption: the last record is half-written, one more never happened.
    log = out / "runs" / "newsdesk.jsonl"
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:3]) + "\n" + lines[3][:20])
    asked: list[str] = []
    real_ask = Desk.ask_stream

    def counting_ask(self: Desk, question: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(question)
        return real_ask(self, question, *args, **kwargs)

    monkeypatch.setattr(Desk, "ask_stream", counting_ask)
    again = run(*tiny, systems="newsdesk,bm25", out=out, settings=hash_settings, llm=rule_llm, resume=True,
                progress=False)
    assert len(asked) == 2
    assert again["systems"]["newsdesk"]["hits@5"] == first["systems"]["newsdesk"]["hits@5"]
    assert len(log.read_text().splitlines()) == 5
    # Without --resume everything is recomputed.
    run(*tiny, systems="newsdesk", out=out, settings=hash_settings, llm=rule_llm, progress=False)
    assert len(asked) == 2 + 5


def test_resume_ignores_records_from_other_settings(tiny, hash_settings, rule_llm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    run(*tiny, systems="newsdesk", out=out, settings=hash_settings, answers=False, progress=False)
    report = run(*tiny, systems="newsdesk", out=out, settings=hash_settings, llm=rule_llm, resume=True,
                 progress=False)
    assert report["systems"]["newsdesk"]["n_answered"] == 5  # retrieval-only records were not reused
    aside = (out / "runs" / "newsdesk.stale.jsonl").read_text().splitlines()
    assert len(aside) == 5 and all("answer" not in json.loads(line) for line in aside), "moved aside, not lost"


def test_same_inputs_give_the_same_results(tiny, hash_settings, rule_llm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a = run(*tiny, systems=FAST, out=tmp_path / "a", settings=hash_settings, llm=rule_llm, progress=False, limit=3,
            seed=7)
    b = run(*tiny, systems=FAST, out=tmp_path / "b", settings=hash_settings, llm=rule_llm, progress=False, limit=3,
            seed=7)
    assert _rows(tmp_path / "a") == _rows(tmp_path / "b")
    def quality(report: dict[str, Any]) -> dict[str, Any]:
        return {s: {k: v for k, v in m.items() if "_ms_" not in k} for s, m in report["systems"].items()}

    assert quality(a) == quality(b)
    assert a["questions"] == 3
    assert a["settings"]["builds"]["newsdesk"]["cached"] is False and b["settings"]["builds"]["newsdesk"]["cached"]
    # --limit samples questions, never articles: the archive holds every readable article.
    desk = Desk.open(a["settings"]["builds"]["newsdesk"]["path"], hash_settings)
    assert desk.stats().articles == 6  # 7 readable, one is a duplicate text kept once
    desk.close()


def test_cli_runs_and_prints_the_table(tiny, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NEWSDESK_INDEX__EMBEDDING_MODEL", "hash")
    out = tmp_path / "cli"
    code = main(["--questions", str(tiny[0]), "--articles", str(tiny[1]), "--systems", "bm25,newsdesk",
                 "--no-answers", "--out", str(out), "--quiet", "--cache-dir", str(tmp_path / "c"), "--limit", "4"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.splitlines()[0].startswith("system")
    assert {line.split()[0] for line in captured.out.splitlines()[1:3]} == {"bm25", "newsdesk"}
    report = json.loads((out / "report.json").read_text())
    assert report["questions"] == 4 and report["settings"]["answers"] is False
    assert report["systems"]["newsdesk"]["contains_gold"] is None
    assert (tmp_path / "c").is_dir()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--systems", "bm25,gpt"], "unknown system"), (["--questions", "/nope.jsonl"], "no such file")],
)
def test_cli_reports_bad_input_in_one_line(tiny, tmp_path, capsys, args, message) -> None:  # type: ignore[no-untyped-def]
    base = ["--questions", str(tiny[0]), "--articles", str(tiny[1]), "--out", str(tmp_path / "o"), "--quiet"]
    assert main(base + args) == 2
    assert message in capsys.readouterr().err


def test_default_cache_is_under_settings_cache_dir(tiny, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(index={"embedding_model": "hash"}, cache_dir=tmp_path / "nd-cache")
    report = run(*tiny, systems="bm25", out=tmp_path / "o", settings=settings, answers=False, progress=False)
    assert report["settings"]["cache"] == str(tmp_path / "nd-cache" / "eval-archives")
    assert Path(report["settings"]["builds"]["newsdesk"]["path"]).parent == tmp_path / "nd-cache" / "eval-archives"


def test_an_archive_built_by_other_ingestion_code_is_flagged(tiny, hash_settings, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    first = run(*tiny, systems="bm25", out=tmp_path / "a", settings=hash_settings, answers=False, progress=False)
    assert first["settings"]["builds"]["newsdesk"]["built_by_other_code"] is False
    marker = Path(first["settings"]["builds"]["newsdesk"]["path"]) / "complete.json"
    marker.write_text(json.dumps(json.loads(marker.read_text()) | {"index_code": "older"}))
    again = run(*tiny, systems="bm25", out=tmp_path / "b", settings=hash_settings, answers=False, progress=False)
    assert again["settings"]["builds"]["newsdesk"] == first["settings"]["builds"]["newsdesk"] | {
        "cached": True, "seconds": 0.0, "built_by_other_code": True,
    }
    assert "built by other newsdesk ingestion code" in caplog.text


def test_remove_gold_answers_without_the_gold_articles(tiny, hash_settings, rule_llm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="--systems newsdesk"):
        run(*tiny, systems="newsdesk,bm25", out=tmp_path / "x", settings=hash_settings, llm=rule_llm,
            progress=False, remove_gold=True)
    report = run(*tiny, systems="newsdesk", out=tmp_path / "out", settings=hash_settings, llm=rule_llm,
                 progress=False, remove_gold=True)
    assert report["questions"] == 4 and report["settings"]["remove_gold"] is True
    assert report["systems"]["newsdesk"]["hits@10"] == 0.0, "no gold article (nor a copy) is ever retrieved"


def test_baseline_fingerprints_ignore_what_only_newsdesk_reads():
    from evals.runner import _fingerprints
    from qa.settings import Settings

    inputs = {"questions": {"sha256": "q"}, "articles": {"sha256": "a"}}

    def fingerprint(system: str, **index: Any) -> str:
        return _fingerprints(system, inputs, Settings(index=index), False, False)[0]

    assert fingerprint("bm25", dense_chunks=2) == fingerprint("bm25", dense_chunks=None)
    assert fingerprint("bm25", chunk_size=120) != fingerprint("bm25"), "bm25 reads newsdesk's chunks"
    assert fingerprint("newsdesk", dense_chunks=2) != fingerprint("newsdesk", dense_chunks=None)
