"""Question sets and article files for evaluation.

Two question formats are read, detected per line:

- **RealTimeQA** (``question_sentence``, ``question_date`` "YYYY/MM/DD", ``choices``, ``answer`` as a list holding
  the index of the right choice as a string, ``answer_text``, ``gold_article_ids``, ``question_source``), read as-is.
- **newsdesk** (``question``; optional ``id``, ``as_of``, ``choices``, ``answer_index``, ``answers`` or ``answer``,
  ``gold_article_ids``, ``gold_passages``, ``source``).

Articles are read by newsdesk's own loader so every system sees the same ids and the same texts.
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from evals.metrics import normalize_answer
from index.articles import Article, parse_date
from index.errors import InvalidArgumentError
from index.loaders import LoadProblem, load

logger = logging.getLogger(__name__)

RTQA = "realtimeqa"
NEWSDESK = "newsdesk"


class DatasetError(InvalidArgumentError):
    """A question file line that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Query:
    """What a system may see of a question at question time: never the gold labels.

    Attributes:
        qid: question id.
        text: the question.
        as_of: end of the question's day (UTC), the "now" of the question, if known.
        choices: multiple-choice options, empty when the question has none.
        removed: article ids a system must answer without (``--remove-gold`` and ``--unanswerable`` runs: the
            archive as if it lacked the gold articles and their copies); empty otherwise.
    """

    qid: str
    text: str
    as_of: datetime | None
    choices: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """One evaluation question with its gold labels.

    Attributes:
        qid: stable id (``question_id`` / ``id``, else ``<file stem>:<line>``).
        question: the question text.
        as_of: the date the question was asked, if known.
        choices: multiple-choice options (empty options of RealTimeQA are dropped).
        answer_index: index of the right choice in ``choices``, if known.
        answers: gold answer texts.
        gold_article_ids: ids of articles that answer the question.
        gold_passages: passages that answer the question (resolved to articles by :func:`resolve_gold`).
        source: who wrote the question (RealTimeQA's ``question_source``), if known.
        format: ``"realtimeqa"`` or ``"newsdesk"``.
        unanswerable: the archive cannot answer it as asked (``--unanswerable`` runs, see :mod:`evals.unanswerable`):
            abstaining is the right reply and any answer is wrong.
    """

    qid: str
    question: str
    as_of: date | None = None
    choices: tuple[str, ...] = ()
    answer_index: int | None = None
    answers: tuple[str, ...] = ()
    gold_article_ids: tuple[str, ...] = ()
    gold_passages: tuple[str, ...] = ()
    source: str | None = None
    format: str = NEWSDESK
    unanswerable: bool = False

    @property
    def month(self) -> str:
        """``YYYY-MM`` of the question date, or ``"undated"``.

        Example:
            >>> Question(qid="q", question="?", as_of=date(2022, 6, 16)).month
            '2022-06'
        """
        return self.as_of.strftime("%Y-%m") if self.as_of else "undated"

    def query(self) -> Query:
        """The question as systems see it: text, as-of time (end of the question's day, UTC) and choices."""
        as_of = datetime.combine(self.as_of, time(23, 59, 59), tzinfo=timezone.utc) if self.as_of else None
        return Query(qid=self.qid, text=self.question, as_of=as_of, choices=self.choices)


def load_questions(path: str | Path) -> list[Question]:
    """Read a JSON Lines question file (``.gz`` too), detecting the format of each line.

    Args:
        path: the question file.

    Returns:
        The questions in file order.

    Raises:
        DatasetError: a line is not JSON, or is neither format, or two questions share an id.
    """
    path = Path(path)
    questions: list[Question] = []
    seen: set[str] = set()
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: malformed JSON ({exc.msg})") from exc
        question = parse_question(record, default_id=f"{path.name.split('.')[0]}:{number}", where=f"{path}:{number}")
        if question.qid in seen:
            raise DatasetError(f"{path}:{number}: duplicate question id {question.qid!r}")
        seen.add(question.qid)
        questions.append(question)
    return questions


def parse_question(record: Any, *, default_id: str, where: str = "question") -> Question:
    """One question from a parsed JSON record of either format.

    Example:
        >>> q = parse_question({"question_id": "1", "question_date": "2022/06/16", "question_sentence": "Who?",
        ...                     "choices": ["A", "B", ""], "answer": ["1"], "answer_text": ["B"]}, default_id="x")
        >>> (q.format, q.as_of.isoformat(), q.choices, q.answer_index, q.answers)
        ('realtimeqa', '2022-06-16', ('A', 'B'), 1, ('B',))
        >>> parse_question({"question": "Who won?", "answers": ["Ann"]}, default_id="f:1").qid
        'f:1'
    """
    if not isinstance(record, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {type(record).__name__}")
    if "question_sentence" in record:
        return _realtimeqa(record, default_id, where)
    if "question" in record:
        return _newsdesk(record, default_id, where)
    raise DatasetError(f"{where}: neither format: expected 'question_sentence' (RealTimeQA) or 'question' (newsdesk)")


def _realtimeqa(record: dict[str, Any], default_id: str, where: str) -> Question:
    raw_choices = [str(c) for c in record.get("choices") or []]
    # Some RealTimeQA rows pad their choices with "": drop them but keep the answer index right.
    kept = [(i, c) for i, c in enumerate(raw_choices) if c.strip()]
    remap = {old: new for new, (old, _) in enumerate(kept)}
    answer_index = None
    for raw in record.get("answer") or []:
        try:
            answer_index = remap.get(int(raw))
        except (TypeError, ValueError):
            continue
        break
    answers = _strings(record.get("answer_text"))
    if not answers and answer_index is not None:
        answers = (kept[answer_index][1],)
    return Question(
        qid=str(record.get("question_id") or default_id),
        question=_required_text(record, "question_sentence", where),
        as_of=_date(record.get("question_date"), where),
        choices=tuple(c for _, c in kept),
        answer_index=answer_index,
        answers=answers,
        gold_article_ids=_strings(record.get("gold_article_ids")),
        source=record.get("question_source") or None,
        format=RTQA,
    )


def _newsdesk(record: dict[str, Any], default_id: str, where: str) -> Question:
    choices = tuple(c for c in _strings(record.get("choices")) if c.strip())
    answers = _strings(record.get("answers")) or _strings(record.get("answer"))
    answer_index = record.get("answer_index")
    if answer_index is not None:
        if not isinstance(answer_index, int) or not 0 <= answer_index < len(choices):
            raise DatasetError(f"{where}: answer_index {answer_index!r} does not point into choices")
    elif choices and answers:
        # No index given: the choice whose normalised text equals a gold answer is the right one.
        golds = {normalize_answer(a) for a in answers}
        matches = [i for i, c in enumerate(choices) if normalize_answer(c) in golds]
        answer_index = matches[0] if len(matches) == 1 else None
    if not answers and answer_index is not None:
        answers = (choices[answer_index],)
    return Question(
        qid=str(record.get("id") or record.get("question_id") or default_id),
        question=_required_text(record, "question", where),
        as_of=_date(record.get("as_of") or record.get("date"), where),
        choices=choices,
        answer_index=answer_index,
        answers=answers,
        gold_article_ids=_strings(record.get("gold_article_ids")),
        gold_passages=_strings(record.get("gold_passages")),
        source=record.get("source") or None,
        format=NEWSDESK,
    )


def _required_text(record: dict[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DatasetError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _strings(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v is not None)
    return (str(value),)


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_date(value)
    except ValueError as exc:
        raise DatasetError(f"{where}: {exc}; use YYYY-MM-DD") from exc
    return parsed.date() if parsed else None


def _lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        yield from handle


def select_questions(questions: list[Question], limit: int | None, seed: int = 0) -> list[Question]:
    """A deterministic sample of ``limit`` questions (all when ``limit`` is None), kept in file order.

    Example:
        >>> qs = [Question(qid=str(i), question="?") for i in range(10)]
        >>> picked = [q.qid for q in select_questions(qs, 3, seed=1)]
        >>> len(picked), picked == sorted(picked, key=int), picked == [q.qid for q in select_questions(qs, 3, seed=1)]
        (3, True, True)
    """
    if limit is None or limit >= len(questions):
        return list(questions)
    if limit < 0:
        raise InvalidArgumentError(f"limit must be >= 0, got {limit}")
    picked = set(random.Random(seed).sample(range(len(questions)), limit))
    return [q for i, q in enumerate(questions) if i in picked]


@dataclass
class ArticleSet:
    """The articles of an article file as newsdesk reads them, with duplicate groups for scoring.

    Attributes:
        articles: readable articles in file order; of records sharing an id, the last one.
        problems: records that could not be read (they are in no system's index).
        aliases: article id -> ids of all articles with exactly the same normalised text. newsdesk stores one
            copy of duplicate texts, so scoring treats the copies as the same article for every system.
        repeated: records whose id was seen before (they replace the earlier record).
    """

    articles: list[Article]
    problems: list[LoadProblem] = field(default_factory=list)
    aliases: dict[str, frozenset[str]] = field(default_factory=dict)
    repeated: int = 0
    _by_id: dict[str, Article] = field(default_factory=dict, init=False, repr=False, compare=False)
    _normalized: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def ids(self) -> set[str]:
        """Ids of the readable articles."""
        return {a.article_id for a in self.articles}

    def article(self, article_id: str) -> Article | None:
        """The article with this id, None when the file has none (a lookup table is built on first use)."""
        if not self._by_id:
            self._by_id.update((a.article_id, a) for a in self.articles)
        return self._by_id.get(article_id)

    def published_by(self, article_id: str, when: datetime | None) -> bool:
        """Whether the article's text was out by ``when``: it or one of its exact copies is undated or published at
        or before ``when``. Undated articles pass because every system sees them (newsdesk's as_of keeps them);
        copies count because scoring treats them as one article. True when ``when`` is None or the id is unknown
        (an unknown id has no text to hold an answer anyway).

        Example:
            >>> day = datetime(2022, 6, 16, 23, 59, 59, tzinfo=timezone.utc)
            >>> articles = ArticleSet([Article(article_id="a", text="x", published_at=day),
            ...                        Article(article_id="b", text="y")])
            >>> articles.published_by("a", day), articles.published_by("a", day.replace(day=15))
            (True, False)
            >>> articles.published_by("b", day.replace(day=15)), articles.published_by("a", None)
            (True, True)
        """
        if when is None:
            return True
        copies = [a for aid in self.aliases.get(article_id, (article_id,)) if (a := self.article(aid)) is not None]
        if not copies:
            return True
        return any(a.published_at is None or a.published_at <= when for a in copies)

    def normalized_text(self, article_id: str) -> str | None:
        """Title and text of an article normalised as answers are (:func:`evals.metrics.normalize_answer`): what
        answer-bearing metrics search. Computed once per article, on first use; None for an unknown id.

        Example:
            >>> articles = ArticleSet([Article(article_id="a", title="Oil", text="Brent rose 3% on “Monday”.")])
            >>> articles.normalized_text("a")
            'oil brent rose 3 on monday'
        """
        if article_id not in self._normalized:
            article = self.article(article_id)
            if article is None:
                return None
            # A record without a body loads with its title as text: do not read the title twice.
            whole = article.text if not article.title or article.text == article.title else \
                f"{article.title}\n{article.text}"
            self._normalized[article_id] = normalize_answer(whole)
        return self._normalized[article_id]


def load_articles(path: str | Path) -> ArticleSet:
    """Read an article file with newsdesk's loader.

    Args:
        path: an article file (JSON Lines, JSON, CSV…; ``.gz`` too).

    Returns:
        The articles, the unreadable records, and duplicate-text aliases.
    """
    by_id: dict[str, Article] = {}
    problems: list[LoadProblem] = []
    repeated = 0
    for item in load([path]):
        if isinstance(item, LoadProblem):
            problems.append(item)
            continue
        if item.article.article_id in by_id:
            repeated += 1
        # A later record with the same id replaces the earlier one, as re-ingesting does in newsdesk.
        by_id[item.article.article_id] = item.article
    articles = list(by_id.values())
    by_text: dict[str, list[str]] = {}
    for article in articles:
        by_text.setdefault(article.text_hash, []).append(article.article_id)
    aliases = {aid: frozenset(group) for group in by_text.values() if len(group) > 1 for aid in group}
    if problems:
        logger.info("%d article records in %s could not be read (first: %s)", len(problems), path, problems[0])
    return ArticleSet(articles=articles, problems=problems, aliases=aliases, repeated=repeated)


_SPACE = re.compile(r"\s+")


def resolve_gold(question: Question, articles: ArticleSet) -> frozenset[str]:
    """The article ids that count as gold for ``question``: its gold ids that are in the archive with text,
    the articles holding its gold passages, and their exact-duplicate copies.

    Example:
        >>> a = ArticleSet([Article(article_id="a", text="Oil rose 3% on Monday.")])
        >>> sorted(resolve_gold(Question(qid="q", question="?", gold_passages=("oil  rose 3%",)), a))
        ['a']
    """
    # Only articles with a body can be retrieved for their content: gold ids that failed to load, or that
    # loaded as a bare headline (no text in the record), would count as misses for every system alike.
    with_text = {a.article_id for a in articles.articles if a.text != a.title}
    gold: set[str] = set(question.gold_article_ids) & with_text
    if question.gold_passages:
        passages = [_SPACE.sub(" ", p.lower()).strip() for p in question.gold_passages if p.strip()]
        for article in articles.articles:
            text = _SPACE.sub(" ", article.text.lower())
            if any(p in text for p in passages):
                gold.add(article.article_id)
    for aid in list(gold):
        gold |= articles.aliases.get(aid, frozenset())
    return frozenset(gold)
