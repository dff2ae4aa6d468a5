"""The bundled MiniLM embedder: unit vectors, and the query cache that saves re-embedding one question."""

import math

from index.embedding import MiniLMEmbedder


def test_repeated_query_is_served_from_the_cache_with_the_same_vector(monkeypatch):
    embedder = MiniLMEmbedder()
    first = embedder.embed_query("What did the council decide about rents?")
    assert math.isclose(sum(x * x for x in first), 1.0, rel_tol=1e-4)
    calls = []
    encoder = embedder._encoder()
    real = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda text: calls.append(text) or real(text))
    again = embedder.embed_query("What did the council decide about rents?")
    assert again == first and calls == []
    again.append(0.0)  # a caller's change never reaches the cache
    assert embedder.embed_query("What did the council decide about rents?") == first
    other = embedder.embed_query("Who won the harbour regatta?")
    assert calls == ["Who won the harbour regatta?"] and other != first


def test_query_cache_is_bounded(monkeypatch):
    embedder = MiniLMEmbedder()
    monkeypatch.setattr(MiniLMEmbedder, "QUERY_CACHE_SIZE", 3)
    for i in range(5):
        embedder.embed_query(f"question number {i}")
    assert list(embedder._queries) == [f"question number {i}" for i in (2, 3, 4)]
