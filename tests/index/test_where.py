"""Filtering on an article's fields (``SearchFilters(metadata=...)``, the CLI's ``--where``), implemented by
``Manifest.articles_with``: list-valued fields match element-wise (a JSON array, or a comma-separated string such as
Reuters' ``topics: "tea, cocoa, coffee"``), the article columns ``authors`` and ``url`` can be named, and an unknown
field is a one-line FilterError listing the fields there are. Through a real archive (hash embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import index.errors
import qa
from qa import Desk, FilterError, Settings

RECORDS = [
    {"id": "tea", "title": "Tea auction prices rise", "text": "Tea prices rose at the Mombasa auction this week.",
     "topics": "tea, cocoa, coffee", "section": "Commodities", "page": 2, "author": "Ann Lee",
     "url": "https://wire.example/tea"},
    {"id": "cocoa", "title": "Cocoa harvest falls short", "text": "The cocoa harvest in Ghana fell short of forecasts.",
     "topics": ["cocoa", "grain"], "section": "commodities", "page": 3, "authors": ["Bo Chen", "Ann Lee"],
     "url": "https://wire.example/cocoa"},
    {"id": "grain", "title": "Grain exports resume", "text": "Grain exports resumed from the Black Sea ports.",
     "topics": "grain", "section": "Markets", "page": 2, "author": "Cy Diaz", "url": "https://wire.example/grain"},
]  # fmt: skip


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    folder = tmp_path_factory.mktemp("where")
    feed = folder / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    desk = Desk.open(folder / "archive", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}),
                     create=True)  # fmt: skip
    assert desk.ingest([feed]).added == 3
    yield desk
    desk.close()


def ids(desk: Desk, **fields: object) -> list[str]:
    return desk.store.articles_with(fields)


def test_a_list_field_matches_any_of_its_elements(desk):
    assert ids(desk, topics="cocoa") == ["cocoa", "tea"], "a JSON array and a comma-separated string, element-wise"
    assert ids(desk, topics="grain") == ["cocoa", "grain"]
    assert ids(desk, topics=" Coffee ") == ["tea"], "text matches in any case, without surrounding spaces"
    assert ids(desk, topics="tea, cocoa, coffee") == ["tea"], "the whole string still matches itself"
    assert ids(desk, topics="sugar") == []


def test_every_field_must_match_and_numbers_compare_as_numbers(desk):
    assert ids(desk, topics="cocoa", page=2) == ["tea"]
    assert ids(desk, section="commodities") == ["cocoa", "tea"]
    assert ids(desk, page="2") == ["grain", "tea"], "the CLI's text '2' matches the number 2"


def test_authors_and_url_are_article_columns_to_filter_on(desk):
    assert desk.article("tea").authors == ("Ann Lee",)
    assert ids(desk, authors="ann lee") == ["cocoa", "tea"]
    assert ids(desk, url="https://wire.example/grain") == ["grain"]


def test_an_unknown_field_is_a_one_line_error_listing_the_known_ones(desk):
    with pytest.raises(FilterError) as caught:
        desk.search("cocoa harvest", metadata={"topic": "cocoa"})
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        "no stored article has a field 'topic'; the fields you can filter on are authors, page, section, topics, url"
    )
    assert isinstance(caught.value, ValueError) and qa.FilterError is index.errors.FilterError


def test_search_keeps_only_the_articles_a_field_filter_matches(desk):
    found = {h.article.article_id for h in desk.search("prices harvest exports", k=10, metadata={"topics": "cocoa"})}
    assert found == {"tea", "cocoa"}
    found = {h.article.article_id for h in desk.search("prices harvest exports", k=10, metadata={"authors": "Cy Diaz"})}
    assert found == {"grain"}


def test_articles_with_on_a_bare_manifest(tmp_path: Path):
    from index.archive.manifest import Manifest

    manifest = Manifest(tmp_path / "m.sqlite3")
    with pytest.raises(FilterError, match="the fields you can filter on are authors, url$"):
        manifest.articles_with({"topics": "cocoa"})
    manifest.close()
