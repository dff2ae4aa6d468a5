"""Shared fixtures of tests/qa."""

import pytest

from index.embedding import make_embedder


@pytest.fixture(scope="module")
def embedder():
    """The real MiniLM embedder the check of meaning and the lead read sentences with."""
    return make_embedder("all-MiniLM-L6-v2")
