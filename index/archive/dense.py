"""Dense search under a filter: the chunks nearest a query vector among those the manifest lets through.

Chroma's metadata filter costs 250-500 ms on 75k vectors, against ~5 ms for an unfiltered search, so the search
runs unfiltered, keeps what passes the filter in the manifest, and widens until enough pass. A filter that keeps
too little of the archive for that (under ~1%) is searched exactly among the chunks it keeps, or with chroma's
filter when it keeps too many to compare one by one. The manifest has the last word on every hit: a vector an
interrupted write left behind is never returned.
"""

from __future__ import annotations

from index.archive.manifest import Manifest
from index.archive.vectors import VectorIndex
from index.filters import ChunkFilter

# Widen the unfiltered search up to this many nearest chunks...
MAX_UNFILTERED = 8192
# ...then compare a filter's chunks one by one when it keeps at most this many.
MAX_EXACT = 4096


def filtered_nearest(
    vectors: VectorIndex, manifest: Manifest, vector: list[float], k: int, where: ChunkFilter
) -> list[tuple[str, float]]:
    """The ids and cosine distances of the ``k`` embedded chunks nearest ``vector`` that pass ``where``."""
    if where.matches_nothing:
        return []
    n = k if where.is_open else 4 * k
    while True:
        ids, distances = vectors.nearest(vector, n)
        kept = _kept(manifest, ids, distances, where)
        exhausted = len(ids) < n
        if len(kept) >= k or exhausted or n >= MAX_UNFILTERED:
            break
        n *= 4
    if len(kept) < k:
        # Also when the graph returned fewer than asked: it may have left a chunk unreached.
        among = manifest.passing_chunks(where, MAX_EXACT)
        exact = vectors.nearest_among(vector, among, k) if among is not None else None
        if exact is not None:
            kept = list(zip(*exact, strict=True))  # among the manifest's own passing chunks: nothing to re-check
        elif not exhausted:
            kept = _kept(manifest, *vectors.nearest(vector, k, where), where)
    return kept[:k]


def _kept(manifest: Manifest, ids: list[str], distances: list[float], where: ChunkFilter) -> list[tuple[str, float]]:
    passing = manifest.passing(ids, where)
    return [(cid, distance) for cid, distance in zip(ids, distances, strict=True) if cid in passing]
