"""``python -m evals``: the same options as ``newsdesk eval``.

Example:
    python -m evals --questions ../shared/data/rtqa2022/questions-dev.jsonl \\
        --articles ../shared/data/rtqa2022/articles.jsonl.gz --systems newsdesk,bm25 --out reports/rtqa-dev
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from evals.report import format_table
from evals.runner import run
from evals.systems import SYSTEM_NAMES
from index.errors import NewsDeskError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m evals``.

    Example:
        >>> args = build_parser().parse_args(["--questions", "q.jsonl", "--articles", "a.jsonl", "--limit", "5"])
        >>> (args.limit, args.seed, args.answers, args.systems)
        (5, 0, True, 'newsdesk,llamaindex-default,bm25,newsrag')
    """
    parser = argparse.ArgumentParser(
        prog="python -m evals",
        description="Evaluate newsdesk against baselines on a question set over a news archive.",
    )
    parser.add_argument("--questions", required=True, help="question file (newsdesk or RealTimeQA JSON Lines)")
    parser.add_argument("--articles", required=True, help="article file every system indexes (JSONL, .gz ok)")
    parser.add_argument(
        "--systems", default=",".join(SYSTEM_NAMES), help=f"comma-separated systems (default: {','.join(SYSTEM_NAMES)})"
    )
    parser.add_argument("--out", default="reports/eval", help="report folder (default: reports/eval)")
    parser.add_argument("--limit", type=int, default=None, help="evaluate N questions sampled with --seed")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed for --limit (default: 0)")
    parser.add_argument(
        "--no-answers", dest="answers", action="store_false", help="retrieval metrics only; the LLM is not loaded"
    )
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run in the same --out")
    parser.add_argument(
        "--cache-dir", default=None, help="folder for cached eval indexes (default: ~/.cache/newsdesk/eval-archives)"
    )
    parser.add_argument(
        "--remove-gold", action="store_true",
        help="questions with gold articles only, answered as if those articles were missing (newsdesk only)",
    )
    parser.add_argument(
        "--unanswerable", action="store_true",
        help="only questions the archive cannot answer, each asked before its event without its gold articles "
        "(newsdesk only)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    return parser


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m evals") -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input or failure)."""
    parser = build_parser()
    parser.prog = prog
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, or a usage error argparse has already printed
        return int(done.code) if isinstance(done.code, int) else 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        report = run(
            args.questions, args.articles, systems=args.systems, out=args.out, limit=args.limit, seed=args.seed,
            answers=args.answers, resume=args.resume, cache_dir=args.cache_dir, progress=not args.quiet,
            remove_gold=args.remove_gold, unanswerable=args.unanswerable,
        )
    except NewsDeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted; continue with the same command plus --resume (results so far: {args.out}/runs)",
              file=sys.stderr)
        return 130
    print(format_table(report))
    print(f"\nreport: {args.out}/report.md, report.json, chart.png, answers.jsonl", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
