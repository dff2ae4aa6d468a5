"""The web chat's handlers and controls, without a browser: plain functions over the fixture archive and fake LLMs."""

import logging
import re
from datetime import datetime, timezone

import pytest

from qa import Desk, FakeLLM, LLMError, SearchFilters, Settings, SettingsError
from qa.chat import REWRITE_PROMPT
from qa.llm import CompletionStream
from ui import chat_session
from ui.app import build_app
from ui.chat_archive import archive_facts, example_questions, header_html, status_html
from ui.chat_cards import EMPTY_PANEL
from ui.chat_options import ChatOptions, desk_for, model_choices
from ui.chat_render import DRAFT_TITLE, SEARCHING_TITLE
from ui.chat_session import (
    BUSY_NOTICE,
    EMPTY_NOTICE,
    INTERNAL_ERROR,
    REWRITE_TITLE,
    answer,
    clear,
    start,
)
from ui.chat_tab import options_from

RENTS = "What did the Harbor city council decide on rents?"


@pytest.fixture
def desk(fixture_desk):
    fixture_desk.llm = FakeLLM(["The council capped rents at 4 percent [1]. The jets are purple."])
    return fixture_desk


def ask(desk, session, message, options=None):
    """Take and answer a question; every step the page would show."""
    session, box, shown = start(session, message)
    return session, [shown, *answer(desk, session, options or ChatOptions())]


def titles(messages):
    return [m.get("metadata", {}).get("title") for m in messages]


def test_the_question_is_echoed_at_once_with_a_pending_search(desk):
    session, box, shown = start(None, "  " + RENTS + " ")
    assert box == "", "the question box is emptied for the next question"
    assert shown.messages[0] == {"role": "user", "content": RENTS}
    assert shown.messages[1]["metadata"] == {"title": SEARCHING_TITLE, "status": "pending"}
    assert session.pending == RENTS and desk.llm.prompts == [], "nothing is answered until answer() runs"


def test_an_empty_question_is_not_sent(desk):
    session, box, shown = start(None, "   ")
    assert shown.messages == [] and shown.notice == EMPTY_NOTICE
    assert list(answer(desk, session, ChatOptions())) == [], "no step: the page stays as it was"
    assert desk.llm.prompts == []


def test_a_question_asked_while_answering_waits(desk):
    session, _, _ = start(None, RENTS)
    session, box, shown = start(session, "And the landlords?")
    assert box == "And the landlords?" and shown.notice == BUSY_NOTICE, "the second question stays in the box"
    assert [m["role"] for m in shown.messages] == ["user"]


def test_the_lead_comes_first_then_the_pending_draft_then_the_checked_answer_replaces_it(desk, monkeypatch):
    monkeypatch.setattr(chat_session, "STEP_SECONDS", 0.0)  # every piece of the draft is a step
    session, steps = ask(desk, None, RENTS)
    first = steps[1].messages
    assert "nd-lead" in first[1]["content"] and "“The Harbor city council voted" in first[1]["content"]
    assert first[2]["metadata"] == {"title": DRAFT_TITLE, "status": "pending"}
    drafts = [s.messages[-1]["content"] for s in steps[2:-1]]
    assert any("The jets are purple" in d for d in drafts), "the unchecked draft is shown while it is written"
    final = steps[-1].messages
    assert "nd-draft" not in str(final) and "pending" not in str(final), "the draft is replaced, not left"
    assert "nd-final" in final[1]["content"] and "The council capped rents at 4 percent" in final[1]["content"]
    assert "The jets are purple" not in final[1]["content"], "an unsupported sentence never stands as fact"
    assert final[2]["metadata"] == {"title": "Left out: 1 sentence not shown as fact", "status": "done"}
    assert "<s>The jets are purple.</s>" in final[2]["content"]
    assert session.messages == final and not session.busy


def test_markers_link_to_cards_numbered_as_in_the_text(desk):
    session, steps = ask(desk, None, RENTS)
    text, panel = steps[-1].messages[1]["content"], steps[-1].sources
    linked = re.findall(r'<a class="nd-marker" href="#nd-c-1-(\d+)"[^>]*>\[(\d+)\]</a>', text)
    assert linked and all(a == b for a, b in linked), "each [n] links to card n of this turn"
    cards = re.findall(r'<article class="nd-card" id="nd-c-1-(\d+)"', panel)
    assert sorted(set(n for n, _ in linked)) == cards == [str(i) for i in range(1, len(cards) + 1)]
    assert "Harbor Herald" in panel and "<mark>The Harbor city council voted 7-2" in panel
    assert 'href="https://harborherald.example/2024/02/06/rent-cap"' in panel and "6 Feb 2024" in panel


def test_follow_ups_are_rewritten_and_the_rewrite_is_folded(desk):
    desk.llm = FakeLLM(["Northwind Airlines ordered 40 new jets.", "When will Northwind Airlines get its new jets?",
                        "Deliveries start in 2026."])
    session, _ = ask(desk, None, "What did Northwind Airlines order?")
    session, steps = ask(desk, session, "And when will they get them?")
    turn = steps[-1].messages[3:]
    assert turn[0]["metadata"] == {"title": REWRITE_TITLE, "status": "done"}, "shown on request: folded"
    assert turn[0]["content"] == "When will Northwind Airlines get its new jets?"
    assert 'href="#nd-c-2-1"' in turn[1]["content"], "the second turn's markers point at its own cards"
    assert [t.question for t in session.chat.turns] == ["What did Northwind Airlines order?", turn[0]["content"]]
    panel = steps[-1].sources
    assert panel.index("And when will they get them") < panel.index("What did Northwind"), "newest sources first"
    assert '<details class="nd-turn" id="nd-turn-1">' in panel, "earlier sources are folded, still reachable"


def test_clear_forgets_the_conversation_and_the_sources(desk):
    desk.llm = FakeLLM(["Northwind Airlines ordered 40 new jets.", "Deliveries start in 2026."])
    session, _ = ask(desk, None, "What did Northwind Airlines order?")
    session, shown = clear()
    assert (session.messages, session.sources, session.chat) == ([], [], None)
    assert shown.messages == [] and shown.sources == EMPTY_PANEL
    session, steps = ask(desk, session, "And when will they get them?")
    assert REWRITE_TITLE not in titles(steps[-1].messages), "nothing left to rewrite the follow-up from"
    assert not any(REWRITE_PROMPT in p[0].content for p in desk.llm.prompts), "the model was not asked to rewrite"
    assert "What did Northwind" not in steps[-1].sources, "the cleared turn's sources are gone"


def test_controls_become_search_filters(desk):
    seen = []

    class Spy:  # a duck-typed desk, as a server's locking wrapper would be
        def __getattr__(self, name):
            return getattr(desk, name)

        def ask_stream(self, question, filters):
            seen.append(filters)
            return desk.ask_stream(question, filters)

    options = ChatOptions(as_of="2024-02-20", since="2024-02-01", until="2024-02-28", sources=["Harbor Herald"])
    session, steps = ask(Spy(), None, RENTS, options)
    day = lambda *d: datetime(*d, tzinfo=timezone.utc)  # noqa: E731
    assert seen == [SearchFilters(since=day(2024, 2, 1), until=day(2024, 2, 28, 23, 59, 59),
                                  as_of=day(2024, 2, 20, 23, 59, 59), sources=("Harbor Herald",))]
    assert "nd-final" in steps[-1].messages[1]["content"]


def test_the_page_controls_are_read_as_options():
    assert options_from("2024-06-12", " ", None, ["CNN"], 5.0, "fake") == ChatOptions(
        as_of="2024-06-12", since=None, until=None, sources=["CNN"], passages=5, model="fake")


def test_passages_and_model_choose_the_desk_that_answers(desk):
    assert desk_for(desk, None, None) is desk and desk_for(desk, "fake", 10) is desk
    fewer = desk_for(desk, "fake", 3)
    assert fewer.settings.answer.top_k == 3 and fewer.llm is desk.llm and fewer.store is desk.store
    names = [name for _, name in model_choices(desk)]
    assert names[:2] == ["fake", "qwen2.5-coder-0.5b"], "the desk's own model first, then the bundled ones"
    bundled = desk_for(desk, "qwen2.5-coder-0.5b", None)
    assert bundled.llm.name == "qwen2.5-coder-0.5b" and desk_for(desk, "qwen2.5-coder-0.5b", 4).llm is bundled.llm, \
        "one model object per name per process"
    with pytest.raises(SettingsError, match="unknown model"):
        desk_for(desk, "gpt-17", None)


class DeadLLM(FakeLLM):
    name = "dead-endpoint"

    def stream(self, messages, **_):
        def pieces():
            raise LLMError("cannot reach the model at http://127.0.0.1:9/v1: connection refused")
            yield  # pragma: no cover

        return CompletionStream(pieces())


def test_errors_end_the_turn_with_a_readable_message_and_the_chat_goes_on(desk):
    desk.llm = DeadLLM()
    session, steps = ask(desk, None, RENTS)
    last = steps[-1].messages[-1]["content"]
    assert "nd-error" in last and "cannot reach the model at http://127.0.0.1:9/v1" in last
    assert "nd-draft" not in str(steps[-1].messages), "no draft is left behind"
    assert not session.busy and session.pending is None
    session, steps = ask(desk, session, RENTS, ChatOptions(as_of="2024-13-45"))
    assert "as of: &#x27;2024-13-45&#x27; is not a date; use YYYY-MM-DD" in steps[-1].messages[-1]["content"]
    desk.llm = FakeLLM(["The council capped rents at 4 percent [1]."])
    session, steps = ask(desk, session, RENTS)
    assert "nd-final" in steps[-1].messages[-1]["content"], "the session answers again after errors"


def test_a_bug_is_logged_and_shown_as_an_internal_error(desk, caplog):
    class Broken(FakeLLM):
        def stream(self, messages, **_):
            raise ZeroDivisionError("division by zero in /srv/newsdesk/qa/answering.py")

    desk.llm = Broken()
    with caplog.at_level(logging.ERROR, logger="ui.chat_session"):
        _, steps = ask(desk, None, RENTS)
    shown = steps[-1].messages[-1]["content"]
    assert INTERNAL_ERROR.split("(")[0] in shown and "ZeroDivisionError" not in shown and "/srv" not in shown
    assert "Traceback" in caplog.text, "the traceback goes to the server's log"


def test_an_empty_or_missing_archive_is_explained_without_its_path(tmp_path):
    settings = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
    empty = Desk.open(tmp_path / "empty", settings, create=True)
    facts = archive_facts(empty)
    assert facts.articles == 0 and "The archive is empty" in header_html(facts)
    assert example_questions(empty, facts) == []
    _, steps = ask(empty, None, RENTS)
    message = steps[-1].messages[-1]["content"]
    assert "holds no articles yet" in message and str(tmp_path) not in message
    missing = archive_facts(Desk.open(tmp_path / "missing", settings))
    assert missing.problem and str(tmp_path) not in header_html(missing)


def test_the_header_says_what_the_archive_holds(desk):
    header = header_html(archive_facts(desk))
    assert "<b>7</b> articles" in header and "<b>6 Feb 2024</b> to <b>12 Jun 2024</b>" in header
    assert "Harbor Herald <span class='nd-count'>3</span>" in header
    assert str(desk.path) not in header and "/tmp" not in header


def test_examples_come_from_the_latest_headlines(desk):
    assert example_questions(desk, archive_facts(desk)) == [
        "What happened: Museum returns bronze statue?", "What happened: Drought cuts wheat harvest?"]


def test_the_status_line_warns_when_today_is_far_past_the_archive(desk):
    facts = archive_facts(desk)
    assert "Newest article: 12 Jun 2024" in status_html(ChatOptions(as_of="2026-01-05"), facts)
    newest = status_html(ChatOptions(as_of="2024-06-12", sources=["Culture Post"], passages=5), facts)
    assert "As of <b>12 Jun 2024</b>" in newest and "Culture Post" in newest and "Newest article" not in newest
    assert "is not a date" in status_html(ChatOptions(since="yesterday"), facts)


def test_the_app_has_its_four_tabs_and_no_path(desk):
    import gradio as gr

    app = build_app(desk)
    tabs = [b for b in app.blocks.values() if isinstance(b, gr.Tab)]
    assert [t.label for t in tabs] == ["Chat", "Search", "Timeline", "Archive"]
    ids = {getattr(b, "elem_id", None) for b in app.blocks.values()}
    assert {"nd-chat", "nd-question", "nd-ask", "nd-clear", "nd-sources", "nd-as-of", "nd-newest"} <= ids
    assert {"search-query", "timeline-topic", "archive-stats"} <= ids
    shown = " ".join(str(b.value) for b in app.blocks.values() if isinstance(b, (gr.HTML, gr.Markdown)))
    assert str(desk.path) not in shown


def test_served_app_answers_over_http(desk):
    from gradio_client import Client

    app = build_app(desk)
    app.launch(server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(app.local_url, verbose=False)
        result = client.predict(RENTS, api_name="/ask")
        assert result["citations"][0]["article"]["source"] == "Harbor Herald"
        assert not result["abstained"]
    finally:
        app.close()

