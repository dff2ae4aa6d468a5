"""The vector index of an archive: a chroma collection of the embedded chunks, searched by cosine distance.

Chroma holds ids, vectors and the few metadata fields its where-clause and deletes read; never chunk text, which
the manifest keeps. The client is chroma's embedded store in ``<archive>/chroma`` unless
``IndexSettings.chroma_host`` names a chroma server.

Several processes may open one embedded store: chroma (1.x) keeps its writes in SQLite, so writers taking turns (the
archive's write lock) lose nothing. A process that only reads keeps the nearest-neighbour graph it first loaded, so
it finds by meaning what was stored before then (its counts and lexical search are current); the manifest keeps
whatever it returns consistent, and reopening the archive in a new process brings it up to date.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.articles import Article
from index.chunking import Chunk
from index.filters import ChunkFilter
from index.settings import IndexSettings

CHROMA_DIR = "chroma"
# Deletes select articles with one "$in" clause; short lists keep chroma's metadata query cheap.
_DELETE_PAGE = 100
# The most records one upsert sends, whatever larger batches the client would take: bounds the memory a call holds.
_UPSERT_PAGE = 5000


def make_client(archive: Path, settings: IndexSettings) -> Any:
    """A chroma client: a server's if ``settings.chroma_host`` is set, else the embedded store in ``archive``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl, settings=chroma_settings
        )
    return chromadb.PersistentClient(path=str(Path(archive) / CHROMA_DIR), settings=chroma_settings)


class VectorIndex:
    """Nearest-neighbour search over embedded chunks, with deletes by article and chroma's own filter.

    The client is made on first use, so an archive opened only for lexical search or its manifest never
    starts chroma.

    Args:
        archive: the archive folder (where the embedded store lives).
        settings: the collection name and the chroma server, if any.
    """

    def __init__(self, archive: Path, settings: IndexSettings) -> None:
        self.archive = Path(archive)
        self.settings = settings
        self._client: Any = None
        self._collection: Any = None
        # A Desk's threads share this index. Two threads making the client at once broke chroma ("Could not connect
        # to tenant default_tenant"), so it is made once under this lock, and each call to chroma holds it too (they
        # take milliseconds, and chroma does not promise that concurrent calls on one client are safe).
        self._guard = threading.RLock()

    @property
    def collection(self) -> Any:
        """The chroma collection (made on first use)."""
        with self._guard:
            if self._collection is None:
                self._client = make_client(self.archive, self.settings)
                # embedding_function=None: we always pass vectors; chroma's default would download a model.
                self._collection = self._client.get_or_create_collection(
                    self.settings.collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
            return self._collection

    def upsert(self, batch: Sequence[tuple[Article, Sequence[Chunk], Sequence[Sequence[float]]]]) -> None:
        """Add or replace the vectors of chunks.

        Args:
            batch: (article, chunks, their vectors) tuples, one vector per chunk.
        """
        ids: list[str] = []
        vectors: list[Sequence[float]] = []
        metadatas: list[dict[str, Any]] = []
        for article, chunks, chunk_vectors in batch:
            for chunk, vector in zip(chunks, chunk_vectors, strict=True):
                ids.append(chunk.chunk_id)
                vectors.append(vector)
                metadatas.append(chunk_metadata(chunk, article))
        if not ids:
            return
        collection = self.collection
        limit = max(1, min(_UPSERT_PAGE, self._client.get_max_batch_size()))
        # No documents: chunk text is read from the manifest, and chroma would keep a second full-text index of
        # it (measured: 3.4x the vector store's size on disk, half of its write time).
        for start in range(0, len(ids), limit):
            end = start + limit
            with self._guard:
                collection.upsert(ids=ids[start:end], embeddings=vectors[start:end], metadatas=metadatas[start:end])

    def delete_articles(self, article_ids: Sequence[str]) -> None:
        """Remove every vector of the articles ``article_ids``."""
        for start in range(0, len(article_ids), _DELETE_PAGE):
            with self._guard:
                self.collection.delete(where={"article_id": {"$in": list(article_ids[start : start + _DELETE_PAGE])}})

    def nearest(
        self, vector: Sequence[float], n: int, where: ChunkFilter | None = None
    ) -> tuple[list[str], list[float]]:
        """The ids and cosine distances of the ``n`` chunks nearest to ``vector``, nearest first.

        Args:
            vector: the query's embedding.
            n: how many to return (fewer if the index holds fewer that pass).
            where: filter inside chroma (slow: hundreds of ms on tens of thousands of vectors); None searches all.
        """
        # Ids and distances only: reading chroma's documents and metadata costs more than the search itself.
        with self._guard:
            result = self.collection.query(
                query_embeddings=[list(vector)],
                n_results=n,
                where=chroma_where(where) if where is not None else None,
                include=["distances"],
            )
        return list(result["ids"][0]), [float(d) for d in result["distances"][0]]

    def nearest_among(
        self, vector: Sequence[float], chunk_ids: Sequence[str], n: int
    ) -> tuple[list[str], list[float]] | None:
        """As ``nearest``, but exact and only among ``chunk_ids``: for a filter that keeps a few thousand chunks.

        The graph search can miss a chunk (it returns what it reaches, and a graph of near-identical vectors can
        leave one unreached), and chroma's own filter searches the same graph; comparing each kept vector is exact.
        None when chroma cannot read them: a reader's index predates another process's writes (see above).
        """
        import numpy as np
        from chromadb.errors import InternalError

        try:
            ids, embeddings = self._embeddings(chunk_ids)
        except InternalError:
            return None
        if not ids:
            return [], []
        # Chroma's arrays as they come: 4,096 vectors through Python floats (as ``vectors`` gives them) cost ~165 ms.
        matrix = np.asarray(embeddings, dtype=np.float32)
        query = np.asarray(vector, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
        distances = 1.0 - (matrix @ query) / np.where(norms > 0, norms, 1.0)
        order = np.argsort(distances, kind="stable")[:n]
        return [ids[i] for i in order], [float(distances[i]) for i in order]

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors among ``chunk_ids``, by id (chunks not embedded are left out)."""
        ids, embeddings = self._embeddings(chunk_ids)
        return {cid: [float(x) for x in vector] for cid, vector in zip(ids, embeddings, strict=True)}

    def _embeddings(self, chunk_ids: Sequence[str]) -> tuple[list[str], list[Any]]:
        # The stored ids among chunk_ids and their vectors as chroma returns them (arrays), a page at a time.
        ids: list[str] = []
        embeddings: list[Any] = []
        for start in range(0, len(chunk_ids), _UPSERT_PAGE):
            with self._guard:
                got = self.collection.get(ids=list(chunk_ids[start : start + _UPSERT_PAGE]), include=["embeddings"])
            ids.extend(got["ids"])
            embeddings.extend(got["embeddings"])
        return ids, embeddings

    def count(self) -> int:
        """How many chunks are embedded."""
        with self._guard:
            return int(self.collection.count())


def chroma_where(where: ChunkFilter) -> dict[str, Any] | None:
    """``where`` as a chroma where-clause over the keys ``chunk_metadata`` stores (None when it keeps all)."""
    clauses: list[dict[str, Any]] = []
    if where.since_ts is not None:
        clauses.append({"published_ts": {"$gte": where.since_ts}})
    if where.until_ts is not None:
        clauses.append({"published_ts": {"$lte": where.until_ts}})
    if where.as_of_ts is not None:
        clauses.append({"$or": [{"dated": False}, {"published_ts": {"$lte": where.as_of_ts}}]})
    if where.sources:
        clauses.append({"source": {"$in": list(where.sources)}})
    if where.article_ids is not None:
        clauses.append({"article_id": {"$in": sorted(where.article_ids - where.exclude)}})
    elif where.exclude:
        clauses.append({"article_id": {"$nin": sorted(where.exclude)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def chunk_metadata(chunk: Chunk, article: Article) -> dict[str, Any]:
    """What chroma stores beside a chunk's vector: only what deletes and ``chroma_where`` read (the chunk itself is
    read from the manifest), plus the article's record fields as ``meta.<key>``."""
    meta: dict[str, Any] = {"article_id": chunk.article_id, "source": chunk.article.source or ""}
    published_ts = chunk.article.published_ts
    # Chroma cannot test for a missing key, so "dated" says whether published_ts is there: an as_of
    # cut-off keeps undated articles, while an explicit date range leaves them out.
    meta["dated"] = published_ts is not None
    if published_ts is not None:
        meta["published_ts"] = published_ts
    for key, value in article.metadata.items():
        meta[f"meta.{key}"] = value
    return meta
