"""The Chat tab's layout and wiring: controls, the conversation, the sources panel. The handlers are the plain
functions of :mod:`ui.chat_session`; the wrappers here only translate between them and Gradio's components."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import gradio as gr

from ui.chat_archive import ArchiveFacts, example_questions, status_html
from ui.chat_assets import ECHO_JS, MARKER_JS
from ui.chat_cards import EMPTY_PANEL
from ui.chat_options import ChatOptions, default_passages, model_choices, model_name, today
from ui.chat_render import SEARCHING_TITLE
from ui.chat_session import ChatSession, answer, clear, start
from ui.chat_text import day

PLACEHOLDER = "**Ask the archive.** Every claim cites a dated source: click its [n] to read it."


def options_from(as_of: Any, since: Any, until: Any, sources: Any, passages: Any, model: Any) -> ChatOptions:
    """The controls' values as :class:`ChatOptions` (the order of :func:`build_chat`'s controls)."""
    return ChatOptions(as_of=_text(as_of), since=_text(since), until=_text(until), sources=list(sources or []),
                       passages=int(passages) if passages else None, model=model or None)


def notice_html(notice: str | None) -> str:
    """A short note under the conversation (an empty question, a question asked while answering)."""
    return f"<p>{notice}</p>" if notice else ""


def build_chat(desk: Any, facts: ArchiveFacts) -> None:
    """Build the chat inside the current Blocks context (the caller's ``gr.Tab``)."""
    newest = facts.newest_day
    with gr.Row(elem_id="nd-when", equal_height=False):
        as_of = gr.DateTime(value=today, include_time=False, type="string", label="As of (the question's “today”)",
                            elem_id="nd-as-of", scale=3, min_width=180)
        with gr.Column(scale=2, min_width=240), gr.Row():
            to_newest = gr.Button(f"As of newest article ({day(facts.latest)})" if newest else "As of newest article",
                                  elem_id="nd-newest", size="sm", scale=3, min_width=150, interactive=bool(newest))
            to_today = gr.Button("Today", elem_id="nd-today", size="sm", scale=1, min_width=64)
    # A function, like the as-of date's default: "today" is the day the page is opened, not the day the server started.
    status = gr.HTML(lambda: status_html(ChatOptions(as_of=today(), passages=default_passages(desk),
                                                     model=model_name(desk)), facts),
                     elem_id="nd-status", js_on_load=None)
    with gr.Accordion("Dates, sources, passages and model", open=False, elem_id="nd-filters"):
        with gr.Row():
            since = gr.DateTime(include_time=False, type="string", label="Published from", elem_id="nd-since")
            until = gr.DateTime(include_time=False, type="string", label="Published until", elem_id="nd-until")
        sources = gr.Dropdown(choices=list(facts.sources), value=[], multiselect=True, label="Sources",
                              elem_id="nd-source-filter")
        with gr.Row():
            passages = gr.Slider(1, 30, value=default_passages(desk), step=1, label="Passages retrieved",
                                 elem_id="nd-passages")
            choices = model_choices(desk)
            model = gr.Dropdown(choices=choices, value=model_name(desk), label="Model", elem_id="nd-model",
                                interactive=len(choices) > 1)
    controls = [as_of, since, until, sources, passages, model]

    with gr.Row(elem_id="nd-main"):
        with gr.Column(scale=3, min_width=320):
            examples = example_questions(desk, facts)
            chatbot = gr.Chatbot(elem_id="nd-chat", show_label=False, height=None, min_height=140,
                                 max_height="70vh", placeholder=PLACEHOLDER, buttons=["copy"],
                                 feedback_options=None, latex_delimiters=[], autoscroll=True,
                                 examples=[{"text": q} for q in examples] or None)
            with gr.Row(equal_height=True, elem_id="nd-ask-row"):
                question = gr.Textbox(show_label=False, placeholder="Ask the archive…",
                                      elem_id="nd-question", scale=6, min_width=150, max_lines=4, container=False,
                                      autofocus=True)
                ask = gr.Button("Ask", variant="primary", elem_id="nd-ask", scale=0, min_width=64)
                reset = gr.Button("Clear", elem_id="nd-clear", scale=0, min_width=64)
            notice = gr.HTML("", elem_id="nd-notice", js_on_load=None)
        with gr.Column(scale=2, min_width=300):
            panel = gr.HTML(EMPTY_PANEL, elem_id="nd-sources", js_on_load=MARKER_JS)
    session = gr.State(None)
    taken = gr.Textbox(visible=False, elem_id="nd-taken")  # the question the browser echoed, for the server

    def on_start(message: str, current: ChatSession | None) -> tuple[Any, ...]:
        current, box, shown = start(current, message)
        # The browser emptied the box already; only a question not taken goes back into it.
        return box or gr.skip(), shown.messages, current, notice_html(shown.notice)

    def on_answer(current: ChatSession | None, *values: Any) -> Iterator[tuple[Any, ...]]:
        produced = False
        if current is not None:
            for shown in answer(desk, current, options_from(*values)):
                produced = True
                yield (shown.messages, gr.skip() if shown.sources is None else shown.sources,
                       gr.skip() if shown.notice is None else notice_html(shown.notice), current)
        if not produced:  # nothing was taken (an empty question): leave the page as it is
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()

    def on_clear() -> tuple[Any, ...]:
        fresh, shown = clear()
        return shown.messages, shown.sources, notice_html(shown.notice), "", fresh

    def on_example(selected: gr.SelectData) -> str:
        value = selected.value
        return str(value.get("text", "") if isinstance(value, dict) else value)

    quiet = {"api_visibility": "private", "show_progress": "hidden"}
    echo = {"fn": None, "inputs": [question, chatbot], "outputs": [chatbot, question, taken],
            "js": ECHO_JS.replace("SEARCHING", json.dumps(SEARCHING_TITLE)), **quiet}
    take = {"fn": on_start, "inputs": [taken, session], "outputs": [question, chatbot, session, notice],
            "concurrency_limit": None, **quiet}
    respond = {"fn": on_answer, "inputs": [session, *controls], "outputs": [chatbot, panel, notice, session], **quiet}
    asked = gr.on([ask.click, question.submit], **echo).then(**take).then(**respond)
    # A headline example is asked at once, as a typed question would be.
    picked = chatbot.example_select(on_example, None, question, **quiet).then(**echo).then(**take).then(**respond)
    for trigger in (reset.click, chatbot.clear):
        trigger(on_clear, None, [chatbot, panel, notice, question, session], cancels=[asked, picked],
                concurrency_limit=None, **quiet)
    to_newest.click(lambda: newest, None, as_of, **quiet)
    to_today.click(today, None, as_of, **quiet)
    gr.on([c.change for c in controls], lambda *values: status_html(options_from(*values), facts), inputs=controls,
          outputs=status, concurrency_limit=None, **quiet)


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
