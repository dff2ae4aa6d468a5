"""The public entry point: a :class:`Desk` over one archive, to ingest, search and ask.

Example:
    >>> import tempfile
    >>> from qa import Desk, Settings
    >>> settings = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
    >>> desk = Desk.open(tempfile.mkdtemp(), settings, create=True)
    >>> desk.ingest([sample_archive_path()]).added
    14
    >>> desk.search("Russia condemns US strikes", k=1)[0].article.source
    'newsdesk sample'
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from index.archive.store import ArchiveStats, ArchiveStore
from index.articles import Article
from index.embedding import Embedder, make_embedder
from index.pipeline import IngestReport, Progress, ingest
from index.stages import Stages
from qa.answering.answer import ABSTAIN_TEXT, build_messages, citations_for, compose, is_abstention
from qa.answering.choice_evidence import evidence_pick, evidence_scores
from qa.answering.choose import LETTERS, ChoicePick, llm_probabilities
from qa.answering.evidence import reporting_hits, select_evidence
from qa.answering.judge import Judge, judge_for
from qa.answering.latest import drop_superseded
from qa.answering.lead import credited_lead, find_lead, judged_lead
from qa.answering.support import check_answer
from qa.chat import Chat
from qa.errors import InvalidArgumentError, checked_question
from qa.filters import SearchFilters
from qa.llm.backends import make_llm
from qa.llm.base import LLM
from qa.retrieval.retriever import Retriever
from qa.sample import sample_archive_path
from qa.settings import Settings
from qa.speakers import load_aliases, parse_speaker_question, speaker_search_text, statement_answer, topical_statements
from qa.stream import AnswerStream, Prepared, ms_since
from qa.timeline import Timeline, build_timeline
from qa.types import Answer, Hit, Timings

__all__ = ["Desk", "sample_archive_path"]


class Desk:
    """One archive and the models that search and answer over it.

    Constructing a Desk only stores its collaborators; models load on first use. One Desk may be shared by threads
    (a web server's): searches and answers run side by side with an ingest, each reading the archive as its last
    commit left it; the LLM serialises its own calls.

    Args:
        store: the archive, or the folder of one that ``ingest`` will create.
        embedder: the embedding model the archive was built with.
        llm: writes answers.
        settings: retrieval and answering settings.
    """

    def __init__(self, store: ArchiveStore | Path, embedder: Embedder, llm: LLM, settings: Settings) -> None:
        self._store = store if isinstance(store, ArchiveStore) else None
        self.path = store.path if isinstance(store, ArchiveStore) else Path(store)
        self._opening = threading.Lock()  # see _open_store
        self.embedder = embedder
        self.llm = llm
        self.settings = settings

    @property
    def judge(self) -> Judge | None:
        """The model judge of answers and quoted leads that ``answer.judge`` asks for (None when off); made per call
        (it is cheap: a bundled model is loaded once per process), so it follows ``llm`` and ``settings``."""
        return judge_for(self.settings, self.llm)

    @property
    def store(self) -> ArchiveStore:
        """The archive on disk.

        Raises:
            ArchiveNotFoundError: nothing has been ingested at this path yet.
        """
        return self._open_store(create=False)

    def _open_store(self, *, create: bool) -> ArchiveStore:
        # A Desk may be shared by threads: the archive is opened once, by whichever comes first.
        if self._store is None:
            with self._opening:
                if self._store is None:
                    self._store = ArchiveStore(self.path, self.settings.index, create=create)
        return self._store

    @property
    def retriever(self) -> Retriever:
        """Hybrid retrieval over the archive."""
        return Retriever(self.store, self.embedder, self.settings.retrieval)

    @classmethod
    def open(cls, path: str | Path | None = None, settings: Settings | None = None, *, create: bool = False) -> Desk:
        """Open the archive at ``path`` (default: ``settings.archive``, i.e. ``~/.newsdesk`` or NEWSDESK_ARCHIVE).

        A missing archive is created by the first ``ingest``; searching it before then raises
        ArchiveNotFoundError.

        Args:
            path: the archive folder.
            settings: all settings; read from the environment when omitted.
            create: create the (empty) archive now rather than on first ingest.
        """
        settings = settings or Settings()
        archive = Path(path).expanduser() if path is not None else settings.archive
        store: ArchiveStore | Path = archive
        if create or ArchiveStore.exists(archive):
            store = ArchiveStore(archive, settings.index, create=create)
        embedder = make_embedder(settings.index.embedding_model, settings.index.embed_batch_size, settings.cache_dir)
        return cls(store, embedder, make_llm(settings.llm, settings.cache_dir), settings)

    def ingest(self, paths: Iterable[str | Path], *, progress: Progress | None = None,
               stages: Stages | None = None) -> IngestReport:
        """Ingest files and folders (JSON, JSONL, CSV, HTML, RSS/Atom, text, Markdown; ``.gz`` too).

        Bad files and records are listed in the report; everything valid is still ingested. The ingest holds the
        archive's write lock from start to end, so another ingest or delete of it (in any process) waits for this
        one, up to ``index.archive.lock.WAIT_SECONDS``, and sees what it stored; searches go on meanwhile.
        ``stages`` runs reading, chunking and embedding elsewhere (``index.distributed.RayStages``: on Ray).

        Raises:
            ArchiveBusyError: another process kept the archive locked for writing for too long.
        """
        store = self._open_store(create=True)
        with store.writing():
            return ingest(paths, store, self.embedder, progress=progress, stages=stages)

    def search(
        self, query: str, filters: SearchFilters | None = None, *, k: int | None = None, **criteria: Any
    ) -> list[Hit]:
        """Passages for ``query``, best first; an empty list when nothing passes the filters.

        Args:
            query: what to look for.
            filters: which articles may be used (see :class:`qa.SearchFilters`).
            k: how many passages (default ``settings.answer.top_k``).
            **criteria: filter fields given as keywords, refining ``filters``: ``since``, ``until``, ``sources``
                (case-insensitive), ``metadata`` (fields of the original record, e.g. ``{"topics": "cocoa"}``),
                ``as_of`` (the query's "now", default now: later articles are never returned, and "this week" or
                "in June 2022" in the query are read against it) and ``exclude`` (article ids never returned).

        Raises:
            EmptyQuestionError: the query is blank.
            FilterError: a filter is malformed or names no publisher in the archive.
            EmptyIndexError: nothing has been ingested.
        """
        return self._search(query, k or self.settings.answer.top_k, _filters(filters, criteria))

    def _search(self, query: str, k: int, filters: SearchFilters) -> list[Hit]:
        query = checked_question(query)
        self.store.require_articles()
        return self.retriever.search(query, k, filters)

    def ask(self, question: str, filters: SearchFilters | None = None, **criteria: Any) -> Answer:
        """Answer ``question`` from the archive, citing passages with [n]; abstain when they do not answer it.

        Every sentence of the answer is checked against the passages it cites; unsupported sentences are
        dropped (or tagged, see ``settings.answer.unsupported``) and listed in ``Answer.sentences``.

        Args:
            question: what to answer.
            filters, **criteria: which articles may be used, as in :meth:`search`.

        Raises:
            EmptyQuestionError: the question is blank.
            FilterError: a filter is malformed or names no publisher in the archive.
            EmptyIndexError: nothing has been ingested.
            LLMError: the language model failed.
        """
        filters = _filters(filters, criteria)
        statements = self._statements(question, filters)
        if statements is not None:
            return statements
        prepared = self._prepare(question, filters)
        if isinstance(prepared, Answer):
            return prepared
        started = time.perf_counter()
        completion = self.llm.complete(prepared.messages, max_tokens=self.settings.llm.max_tokens)
        return self._finish(prepared, completion.text, ms_since(started), completion.prompt_tokens,
                            completion.completion_tokens)

    def ask_stream(self, question: str, filters: SearchFilters | None = None, **criteria: Any) -> AnswerStream:
        """Like :meth:`ask`, but the model's words arrive as they are generated.

        Iterate the result for text pieces; afterwards ``.answer`` holds the checked Answer with its citations
        (resolved at the end, so a sentence shown while streaming may still be dropped as unsupported).

        Usage (tested in tests/qa/test_answer.py)::

            stream = desk.ask_stream("What did the council decide?")
            for piece in stream:
                print(piece, end="")
            stream.answer.citations
        """
        filters = _filters(filters, criteria)
        return AnswerStream(self, self._statements(question, filters) or self._prepare(question, filters))

    def _statements(self, question: str, filters: SearchFilters) -> Answer | None:
        """For "What has X said about Y?": X's dated statements on Y, quoted; None for other questions or when the
        archive holds no such statement (the question is then answered the ordinary way)."""
        question = checked_question(question)
        cfg = self.settings.answer
        speaker = parse_speaker_question(question, load_aliases(cfg.speakers_file))
        if speaker is None:
            return None
        started = time.perf_counter()
        hits = self._search(speaker_search_text(speaker), 2 * cfg.top_k, filters)
        found = topical_statements(speaker, hits, self.embedder, limit=cfg.statement_limit)
        if not found:
            return None
        text, sentences, citations = statement_answer(speaker, found, hits)
        return Answer(question=question, text=text, citations=citations, sentences=sentences, hits=hits,
                      as_of=filters.as_of,
                      model="extractive (speaker statements)", timings=Timings(retrieve_ms=ms_since(started)))

    def _prepare(self, question: str, filters: SearchFilters) -> Prepared | Answer:
        """Retrieve, gate and select evidence; an Answer when newsdesk abstains before asking the model."""
        question = checked_question(question)
        as_of = filters.as_of or datetime.now(timezone.utc)
        started = time.perf_counter()
        hits = self._search(question, self.settings.answer.top_k, filters)
        cfg = self.settings.answer
        closeness = max((h.dense_score for h in hits if h.dense_score is not None), default=None)
        reporting, stale = reporting_hits(question, hits, as_of)
        if not hits:
            why = f"no articles match the filters ({filters.describe()})"
        elif closeness is None or closeness < cfg.min_similarity:
            best = f"{closeness:.2f}" if closeness is not None else "none"
            why = f"no passage is close enough to the question (best similarity {best} < {cfg.min_similarity})"
        else:
            why = stale
        if why:
            return Answer(question=question, hits=hits, as_of=as_of, model=self.llm.name, text=ABSTAIN_TEXT,
                          abstained=True, reason=why, timings=Timings(retrieve_ms=ms_since(started)))
        evidence = select_evidence(question, reporting, self.embedder, max_sources=cfg.sources,
                                   budget_tokens=cfg.evidence_tokens, neighbours=cfg.neighbours)
        messages = build_messages(question, evidence, as_of)
        rereads = (judge := self.judge) is not None and judge.reads_quotes
        lead = find_lead(question, evidence, self.embedder, min_score=cfg.min_lead_score,
                         fallback_word_share=cfg.judged_lead_share if rereads else None) if cfg.lead else None
        return Prepared(question, as_of, hits, evidence, messages, ms_since(started), lead,
                        lead_awaits_judge=lead is not None and rereads)

    def _finish(
        self, prepared: Prepared, reply: str, generate_ms: float, prompt_tokens: int, completion_tokens: int
    ) -> Answer:
        """Check the model's reply sentence by sentence and build the Answer."""
        started = time.perf_counter()
        judge, cfg, question = self.judge, self.settings.answer, prepared.question
        quoted = judged_lead(question, prepared.lead, judge)
        sentences = [] if is_abstention(reply) else drop_superseded(question, check_answer(
            reply, prepared.evidence, self.embedder, cfg.support, question=question, judge=judge,
        ), prepared.evidence, quoted.checked() if quoted else None)
        if quoted is None:  # the model named the wrong one where its source names the right one: quote the source
            quoted = judged_lead(question, credited_lead(question, sentences, prepared.evidence, self.embedder), judge)
        lead = quoted.checked() if quoted else None
        answer = functools.partial(Answer, question=question, hits=prepared.hits, as_of=prepared.as_of,
                                   model=self.llm.name, lead=lead)
        timings = Timings(retrieve_ms=prepared.retrieve_ms, generate_ms=generate_ms, prompt_tokens=prompt_tokens,
                          completion_tokens=completion_tokens, check_ms=ms_since(started))
        # The lead is the source's own words and answers the question's kind, so it stands when the model abstains
        # or every sentence it wrote is rejected: extract instead of abstaining.
        checked = [lead, *sentences] if lead else sentences
        citations = citations_for(checked, prepared.evidence)
        if not citations:
            if is_abstention(reply):
                return answer(text=ABSTAIN_TEXT, abstained=True, lead=None, timings=timings,
                              reason="the passages retrieved do not answer the question")
            unsupported = "; ".join(s.reason or "" for s in sentences if s.reason)[:300]
            return answer(text=ABSTAIN_TEXT, abstained=True, lead=None, sentences=sentences, timings=timings,
                          reason=f"no passage supports the model's answer {reply[:200]!r} ({unsupported})")
        text = compose(checked, cfg.unsupported)
        return answer(text=text, citations=citations, sentences=sentences, timings=timings)

    def choose(
        self, question: str, choices: Sequence[str], filters: SearchFilters | None = None, **criteria: Any
    ) -> ChoicePick:
        """Pick one of ``choices`` as the answer to ``question`` from the archive (see :mod:`qa.answering.choose`).

        The choice best evidenced by relevant retrieved sentences wins (:func:`evidence_pick`); when no choice
        appears in the evidence, or it cannot decide (true or false; "except:" with several choices unevidenced),
        the LLM's order-debiased letter probabilities decide. Only passages that pass the filters are read, so an
        excluded article can decide nothing.

        Args:
            question: the question.
            choices: 2 to 10 possible answers.
            filters, **criteria: which articles may be used, as in :meth:`search`.

        Raises:
            EmptyQuestionError: the question is blank.
            InvalidArgumentError: fewer than two choices, or more than ten.
            FilterError: a filter is malformed or names no publisher in the archive.
            EmptyIndexError: nothing has been ingested.
            LLMError: the language model failed.
        """
        question = checked_question(question)
        options = [c.strip() for c in choices if c and c.strip()]
        if not 2 <= len(options) <= len(LETTERS):
            raise InvalidArgumentError(f"give between 2 and {len(LETTERS)} non-empty choices, got {len(options)}")
        hits = self._search(question, self.settings.answer.top_k, _filters(filters, criteria))
        pick = functools.partial(ChoicePick, question=question, choices=options, hits=hits)
        scores = evidence_scores(question, options, hits, self.embedder)
        chosen = evidence_pick(question, options, scores)
        if chosen is not None:
            return pick(index=chosen, method="evidence", scores=scores)
        cfg = self.settings.answer
        evidence = select_evidence(question, hits, self.embedder, max_sources=cfg.sources,
                                   budget_tokens=cfg.evidence_tokens, neighbours=cfg.neighbours)
        probabilities = llm_probabilities(self.llm, question, options, evidence)
        return pick(index=probabilities.index(max(probabilities)), method="llm", scores=probabilities)

    def chat(
        self, filters: SearchFilters | None = None, *, max_history_tokens: int = 400, **criteria: Any
    ) -> Chat:
        """A conversation: follow-ups ("and what did Iran say?") are rewritten into standalone questions.

        Args:
            filters, **criteria: the conversation's filters, as in :meth:`search`; each turn may refine them.
            max_history_tokens: how much of the conversation the rewriter sees.

        Usage (tested in tests/qa/test_chat.py)::

            chat = desk.chat(as_of=datetime(2025, 6, 30))
            chat.ask("What has Russia said about US strikes?")
            chat.ask("And what did Iran say?").rewritten_question
        """
        chosen = SearchFilters.of(filters, **criteria) if filters is not None or criteria else None
        return Chat(self, max_history_tokens=max_history_tokens, filters=chosen)

    def timeline(self, topic: str = "", filters: SearchFilters | None = None, *, speaker: str | None = None,
                 limit: int = 30, **criteria: Any) -> Timeline:
        """How ``topic`` (or what ``speaker`` said about it) ran over time: stories per period and one cited key
        sentence per story, oldest first, without the LLM (see :func:`qa.timeline.build_timeline`)."""
        return build_timeline(self, topic, _filters(filters, criteria), speaker=speaker, limit=limit)

    def stats(self) -> ArchiveStats:
        """Articles, chunks, date range and sources of the archive."""
        return self.store.stats()

    def articles_per_month(self) -> dict[str, int]:
        """Dated articles per month of publication (UTC), as ``{"2024-02": 3}``, oldest first."""
        return self.store.articles_per_month()

    def article(self, article_id: str) -> Article | None:
        """The full stored article, e.g. to open a citation."""
        return self.store.article(article_id)

    def delete(self, article_ids: str | Iterable[str]) -> int:
        """Delete articles (record, chunks, vectors, lexical entries) and return how many the archive held.

        Idempotent: an unknown id counts 0, and repeating a delete finishes one a crash interrupted (see
        ``ArchiveStore.delete``). Re-ingesting an article's file brings it back.

        Raises:
            InvalidArgumentError: no id given.
            ArchiveNotFoundError: there is no archive at this path.

        Example:
            >>> import tempfile
            >>> settings = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
            >>> desk = Desk.open(tempfile.mkdtemp(), settings, create=True)
            >>> _ = desk.ingest([sample_archive_path()])
            >>> gone = desk.search("Russia condemns US strikes", k=1)[0].article.article_id
            >>> desk.delete([gone, "no-such-id"]), desk.delete(gone), desk.stats().articles
            (1, 0, 13)
        """
        ids = [article_ids] if isinstance(article_ids, str) else list(article_ids)
        ids = list(dict.fromkeys(aid.strip() for aid in ids if aid and aid.strip()))
        if not ids:
            raise InvalidArgumentError("no article id given to delete; pass ids such as desk.delete(['fx-1'])")
        return self.store.delete(ids)

    def delete_source(self, source: str) -> int:
        """Delete every article of a publisher (any case; ``"(unknown)"``: those with none); returns how many (0
        when the archive holds none from it). Raises InvalidArgumentError for a blank name."""
        if not isinstance(source, str) or not source.strip():
            raise InvalidArgumentError("no source given to delete; name a publisher, e.g. desk.delete_source('CNN')")
        return self.store.delete(self.store.articles_from(source))

    def close(self) -> None:
        """Release the archive's files."""
        if self._store is not None:
            self._store.close()


def _filters(filters: SearchFilters | None, criteria: dict[str, Any]) -> SearchFilters:
    # The query's "now" is fixed once per call, so retrieval, the prompt and the answer agree on it.
    return SearchFilters.of(filters, **criteria).at(datetime.now(timezone.utc))
