"""A first Gradio chat over an archive: question in, cited answer and source cards out.

The handler :func:`respond` is plain Python so it can be tested without a browser; :func:`build_app`
wires it into Gradio Blocks.
"""

from __future__ import annotations

import html
import os
from typing import Any

from qa import Answer, Desk, NewsDeskError
from qa.chat import Chat
from qa.sample import EXAMPLE_QUESTION

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def render_sources(answer: Answer) -> str:
    """Citation cards (or the closest passages when abstaining) as Markdown."""
    if answer.citations:
        cards = []
        for c in answer.citations:
            ref = c.article
            title = html.escape(ref.title or "(untitled)")
            link = f"[{title}]({ref.url})" if ref.url else title
            cards.append(
                f"**[{c.marker}]** {link}  \n*{html.escape(ref.source or 'unknown')} · {ref.date}*\n\n> {_quote(c)}"
            )
        dropped = [s for s in answer.sentences if not s.supported]
        if dropped:
            left_out = "\n".join(f"- ~~{html.escape(s.text)}~~ ({html.escape(s.reason or '')})" for s in dropped)
            cards.append(f"*Left out: no source supports it*\n{left_out}")
        return "\n\n---\n\n".join(cards)
    if answer.hits:
        closest = "\n".join(
            f"- {html.escape(h.article.source or 'unknown')}, {h.article.date}: "
            f"{html.escape(h.article.title or h.text[:80])}"
            for h in answer.hits[:3]
        )
        return f"*{html.escape(answer.reason or '')}*\n\nClosest passages:\n{closest}"
    return f"*{html.escape(answer.reason or 'No passages found.')}*"


def _quote(citation: Any) -> str:
    """The passage shown to the model, with the sentences that support the answer in bold."""
    quote = html.escape(" ".join(citation.quote.split())[:800])
    for span in citation.spans:
        text = html.escape(" ".join(span.text.split()))
        if text in quote:
            quote = quote.replace(text, f"**{text}**", 1)
    return quote


def respond(
    desk: Desk, message: str, history: list[dict[str, Any]] | None, chat: Chat | None = None
) -> tuple[list[dict[str, Any]], str]:
    """Answer ``message`` and append the exchange to the chat history.

    With ``chat``, follow-ups ("and what did Iran say?") are rewritten from the conversation first, and the
    rewrite is shown above the answer.

    Returns:
        The new history (Gradio "messages" format) and the sources panel as Markdown.
    """
    history = list(history or [])
    history.append({"role": "user", "content": message})
    try:
        answer = chat.ask(message) if chat is not None else desk.ask(message)
    except NewsDeskError as exc:
        history.append({"role": "assistant", "content": f"⚠️ {exc}"})
        return history, ""
    text = answer.text
    if answer.rewritten_question:
        text = f"*(searched for: {answer.rewritten_question})*\n\n{text}"
    history.append({"role": "assistant", "content": text})
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

        conversation = gr.State(None)  # one Chat per browser session, for follow-up questions

        def on_ask(
            message: str, history: list[dict[str, Any]], session: Chat | None
        ) -> tuple[list[dict[str, Any]], str, str, Chat]:
            session = session or desk.chat()
            new_history, panel = respond(desk, message, history, session)
            return new_history, panel, "", session

        for trigger in (ask.click, question.submit):
            trigger(on_ask, inputs=[question, chat, conversation], outputs=[chat, sources, question, conversation],
                    api_name=False)

        def ask_api(question: str) -> dict[str, Any]:
            """The cited answer as JSON, for programs (gradio_client, HTTP)."""
            return desk.ask(question).model_dump(mode="json")

        gr.api(ask_api, api_name="ask")
    return app
