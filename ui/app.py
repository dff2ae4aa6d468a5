"""A first Gradio chat over an archive: question in, cited answer and source cards out.

The handler :func:`respond` is plain Python so it can be tested without a browser; :func:`build_app`
wires it into Gradio Blocks.
"""

from __future__ import annotations

import html
import os
from typing import Any

from qa import Answer, Desk, NewsDeskError
from qa.sample import EXAMPLE_QUESTION

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def render_sources(answer: Answer) -> str:
    """Citation cards (or the closest passages when abstaining) as Markdown."""
    if answer.citations:
        cards = []
        for c in answer.citations:
            date = c.published_at.strftime("%Y-%m-%d") if c.published_at else "undated"
            title = html.escape(c.title or "(untitled)")
            link = f"[{title}]({c.url})" if c.url else title
            quote = html.escape(" ".join(c.quote.split())[:600])
            cards.append(f"**[{c.marker}]** {link}  \n*{html.escape(c.source or 'unknown')} · {date}*\n\n> {quote}")
        return "\n\n---\n\n".join(cards)
    if answer.hits:
        closest = "\n".join(
            f"- {html.escape(h.source or 'unknown')}, {h.date}: {html.escape(h.title or h.text[:80])}"
            for h in answer.hits[:3]
        )
        return f"*{html.escape(answer.reason or '')}*\n\nClosest passages:\n{closest}"
    return f"*{html.escape(answer.reason or 'No passages found.')}*"


def respond(desk: Desk, message: str, history: list[dict[str, Any]] | None) -> tuple[list[dict[str, Any]], str]:
    """Answer ``message`` and append the exchange to the chat history.

    Returns:
        The new history (Gradio "messages" format) and the sources panel as Markdown.
    """
    history = list(history or [])
    history.append({"role": "user", "content": message})
    try:
        answer = desk.ask(message)
    except NewsDeskError as exc:
        history.append({"role": "assistant", "content": f"⚠️ {exc}"})
        return history, ""
    history.append({"role": "assistant", "content": answer.text})
    return history, render_sources(answer)


def build_app(desk: Desk) -> Any:
    """The Gradio Blocks app for ``desk``."""
    import gradio as gr

    stats = desk.stats()
    with gr.Blocks(title="newsdesk") as app:
        gr.Markdown(
            f"## newsdesk\nAsk the archive at `{stats.path}`: {stats.articles} articles, "
            f"{len(stats.sources)} sources. Every claim cites a dated passage."
        )
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=480)
                question = gr.Textbox(label="Question", placeholder=EXAMPLE_QUESTION, elem_id="question")
                ask = gr.Button("Ask", variant="primary", elem_id="ask")
            with gr.Column(scale=2):
                sources = gr.Markdown(label="Sources", elem_id="sources")

        def on_ask(message: str, history: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str, str]:
            new_history, panel = respond(desk, message, history)
            return new_history, panel, ""

        for trigger in (ask.click, question.submit):
            trigger(on_ask, inputs=[question, chat], outputs=[chat, sources, question], api_name=False)

        def ask_api(question: str) -> dict[str, Any]:
            """The cited answer as JSON, for programs (gradio_client, HTTP)."""
            return desk.ask(question).model_dump(mode="json")

        gr.api(ask_api, api_name="ask")
    return app
