"""The Search tab's handler over the real fixture archive: passages with date, source and linked title, the query's
words marked, filters applied, scores only in words, and readable notes for blank queries and errors."""

from __future__ import annotations

import html
import re

import pytest

from qa import ArticleRef, Desk, EmptyIndexError, Hit, Settings
from ui.tabs.search import build, closeness, friendly_error, highlight, query_words, search_passages, source_choices


def _cards(page: str) -> list[str]:
    return page.split('<div class="nd-card">')[1:]


def test_passages_show_date_source_linked_title_and_marked_words(fixture_desk):
    page = search_passages(fixture_desk, "rent cap", as_of="2024-12-31")
    first = _cards(page)[0]
    assert re.search(r'<span class="nd-date">2024-02-\d\d</span> · <span class="nd-source">Harbor Herald</span>', first)
    assert '<a href="https://harborherald.example/' in first and 'rel="noopener noreferrer"' in first
    assert "<mark>rent</mark> <mark>cap</mark>" in page
    assert not re.search(r"\d\.\d{3}", page), "raw scores never reach the page"
    assert re.search(r"close in meaning|related", page) and "has all your words" in page


def test_filters_apply_as_of_sources_and_count(fixture_desk):
    early = search_passages(fixture_desk, "rent cap", as_of="2024-02-20")
    assert "2024-02-27" not in early and "2024-02-06" in early, "nothing published after as of"
    farm = search_passages(fixture_desk, "rent cap", sources=["Farm Gazette"], as_of="2024-12-31")
    assert "Farm Gazette" in farm and "Harbor Herald" not in farm, "the source filter is hard"
    assert len(_cards(search_passages(fixture_desk, "rent cap", k=1, as_of="2024-12-31"))) == 1
    window = search_passages(fixture_desk, "rent cap", since="2024-02-10", until="2024-02-20", as_of="2024-12-31")
    assert set(re.findall(r'nd-date">([\d-]+)<', window)) == {"2024-02-16"}


def test_a_blank_query_sends_nothing(fixture_desk, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("searched for a blank query")

    monkeypatch.setattr(fixture_desk, "search", fail)
    page = search_passages(fixture_desk, "   ")
    assert "Type what to look for" in page and 'class="nd-error"' not in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"since": "last tuesdayish"}, "since: 'last tuesdayish' is not a date; use YYYY-MM-DD"),
        ({"since": "2024-03-01", "until": "2024-02-01"}, "since (2024-03-01) is after the end of the window"),
        ({"sources": ["Nobody Times"]}, "no articles from Nobody Times in this archive"),
    ],
)
def test_errors_are_one_readable_line(fixture_desk, form, message):
    page = search_passages(fixture_desk, "rent cap", **form)
    assert 'class="nd-error"' in page and html.escape(message) in page
    assert "Traceback" not in page and "nd-card" not in page


def test_an_empty_archive_is_explained_without_its_path(tmp_path):
    desk = Desk.open(tmp_path / "empty", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}),
                     create=True)
    with pytest.raises(EmptyIndexError, match=str(tmp_path)):
        desk.search("rent cap")
    page = search_passages(desk, "rent cap")
    assert "holds no articles yet" in page and str(tmp_path) not in page and "/empty" not in page


def test_no_match_says_so_with_the_filters(fixture_desk):
    page = search_passages(fixture_desk, "rent cap", until="2023-01-01", as_of="2024-12-31")
    assert "No passages match (until 2023-01-01)" in page


def test_text_from_articles_is_escaped_and_scores_become_words():
    assert highlight('<script>alert("cap")</script>', query_words("cap")) == (
        "&lt;script&gt;alert(&quot;<mark>cap</mark>&quot;)&lt;/script&gt;")
    hit = Hit(rank=1, chunk_id="c", article=ArticleRef(article_id="a"), text="Rents were capped.", start=0, end=18,
              score=0.02, dense_score=0.2, lexical_score=3.1)
    assert closeness(hit, query_words("rent cap")) == "loosely related · has all your words"
    assert closeness(hit, query_words("rent")) == "loosely related · has your word"
    assert friendly_error(EmptyIndexError("archive /srv/news/a holds no articles yet")) == (
        "archive (a folder on the server) holds no articles yet")


def test_the_tab_builds_with_the_archives_sources(fixture_desk):
    import gradio as gr

    assert source_choices(fixture_desk)[0] == ("Harbor Herald (3)", "Harbor Herald")
    with gr.Blocks() as app, gr.Tab("Search"):
        build(fixture_desk)
    ids = {block.elem_id for block in app.blocks.values()}
    assert {"search-query", "search-sources", "search-results"} <= ids
