"""The web UI escapes what it shows: article fields, the reader's question and the model's words are text, never
markup. Through the chat's handlers (ui/chat_session.py) and the Search tab's (ui/tabs/search.py), without a browser.
"""

import json
import re

import pytest

from qa import FakeLLM
from ui.chat_options import ChatOptions
from ui.chat_session import INTERNAL_ERROR, answer, start
from ui.tabs.search import search_passages

TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_ARTICLE = {
    "article_id": "xss-1",
    "title": TITLE,
    "text": (
        "The Harbor ferry resumed service on Monday after a two-week strike, the port authority said. "
        "<script>alert('body')</script> Tickets still cost 3 dollars, the port added."
    ),
    "source": "<svg onload=alert(2)>",
    "url": "javascript:alert(3)",
    "published_at": "2024-05-06T09:00:00Z",
}
PLAIN_ARTICLE = {
    "article_id": "plain-1",
    "title": "Harbor port authority plans new terminal",
    "text": "The Harbor port authority said on Tuesday it plans a new ferry terminal by 2027.",
    "source": "Harbor Herald",
    "published_at": "2024-05-07T09:00:00Z",
}
QUESTION = "<script>alert(1)</script> When did the Harbor ferry resume service?"
# Markup that would run or load something if the browser parsed it.
LIVE = re.compile(r"<\s*/?\s*(script|img|svg|iframe)\b|href=\"javascript:", re.IGNORECASE)


@pytest.fixture(scope="module")
def archive(tmp_path_factory, build_shared_archive):
    path = tmp_path_factory.mktemp("escaping") / "hostile.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in (HOSTILE_ARTICLE, PLAIN_ARTICLE)), encoding="utf-8")
    return build_shared_archive(path)


@pytest.fixture
def desk(archive):
    desk = archive.desk()
    desk.llm = FakeLLM(["The Harbor ferry resumed service on Monday [1]."])
    yield desk
    archive.check_unchanged()


def shown_html(steps) -> str:
    """Everything the page received over the steps: each message's content and title, and the sources panel."""
    parts = []
    for step in steps:
        for message in step.messages:
            parts += [message["content"], str(message.get("metadata", {}).get("title", ""))]
        parts.append(step.sources or "")
    return "\n".join(parts)


def ask(desk, question, session=None):
    session, _, first = start(session, question)
    return session, [first, *answer(desk, session, ChatOptions())]


def assert_inert(page: str) -> None:
    live = LIVE.search(page)
    assert live is None, f"unescaped markup reaches the page: {page[max(0, live.start() - 80):live.end() + 80]!r}"


def test_the_chat_shows_a_hostile_question_and_article_as_text(desk):
    session, steps = ask(desk, QUESTION)
    page = shown_html(steps)
    assert_inert(page)
    assert steps[0].messages[0]["content"] == "&lt;script&gt;alert(1)&lt;/script&gt; When did the Harbor ferry " \
                                              "resume service?", "the question is echoed escaped"
    final = steps[-1]
    assert INTERNAL_ERROR not in page
    assert "resumed service on Monday" in final.messages[-1]["content"], "answered, citing the hostile article"
    assert "&lt;img src=x onerror=alert(1)&gt;" in final.sources, "the card's title is shown, escaped"
    assert "&lt;svg onload=alert(2)&gt;" in final.sources, "the card's publisher is shown, escaped"
    assert "Sources for “&lt;script&gt;alert(1)&lt;/script&gt;" in final.sources


def test_the_models_own_markup_is_shown_as_text_too(desk):
    # A model that echoes markup: its sentence is rejected, and the reason and the left-out list quote it escaped.
    desk.llm = FakeLLM(["<img src=x onerror=alert(1)> The ferry sank on Monday [1]. <script>alert(9)</script>"])
    _, steps = ask(desk, "When did the Harbor ferry resume service?")
    page = shown_html(steps)
    assert_inert(page)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page or "&lt;script&gt;alert(9)" in page, (
        "the rejected words are quoted, escaped")


def test_a_too_long_hostile_question_gets_its_one_line_error_not_an_internal_error(desk):
    question = "<script>alert(1)</script> " * 200
    _, steps = ask(desk, question)
    page = shown_html(steps)
    assert_inert(page)
    said = f"the question is {len(question.strip()):,} characters long; keep it under 2,000"
    assert said in steps[-1].messages[-1]["content"], steps[-1].messages[-1]
    assert INTERNAL_ERROR not in page


def test_the_search_tab_shows_a_hostile_query_and_article_as_text(desk):
    page = search_passages(desk, "<script>alert(1)</script> Harbor ferry strike")
    assert_inert(page)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;svg onload=alert(2)&gt;" in page
    unmarked = re.sub(r"</?mark>", "", page)  # the query's words are marked, inside the escaped text
    assert "&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;" in unmarked, "the article's markup is shown as text"
    assert 'href="javascript:' not in page, "a javascript: address is never a link"
    for query in ("<img src=x onerror=alert(1)>", "\"><script>alert(1)</script>", "<script>" * 400):
        assert_inert(search_passages(desk, query))
    assert "keep it under 2,000" in search_passages(desk, "<script>" * 400)
