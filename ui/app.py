"""The web app: a header saying what the archive holds, and tabs: the chat, then search, timeline and archive
(:mod:`ui.tabs`).

:func:`build_app` is the entry point; ``newsdesk serve`` launches it, and a server may mount it next to its own
routes. The desk is only duck-typed (a server may wrap it, e.g. in a lock) and only its public methods are used.
The chat itself is :mod:`ui.chat_tab` (layout), :mod:`ui.chat_session` (handlers, plain Python) and the
``ui.chat_*`` modules they use.
"""

from __future__ import annotations

import os
from typing import Any

from ui.chat_archive import archive_facts, header_html
from ui.chat_assets import HEAD
from ui.chat_tab import build_chat
from ui.tabs import archive, search, timeline

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def build_app(desk: Any) -> Any:
    """The Gradio Blocks app over ``desk``: header, then ``gr.Tabs``: Chat, Search, Timeline and Archive.

    The chat's CSS travels in the header component (``head``), so it applies however the Blocks are served.

    Returns:
        A ``gr.Blocks``, not yet launched.
    """
    import gradio as gr

    facts = archive_facts(desk)
    with gr.Blocks(title="newsdesk", analytics_enabled=False) as app:
        gr.HTML(header_html(facts), elem_id="nd-header", head=HEAD, js_on_load=None)
        with gr.Tabs(elem_id="nd-tabs"):
            with gr.Tab("Chat", id="chat", elem_id="nd-tab-chat"):
                build_chat(desk, facts)
            with gr.Tab("Search", id="search", elem_id="nd-tab-search"):
                search.build(desk)
            with gr.Tab("Timeline", id="timeline", elem_id="nd-tab-timeline"):
                timeline.build(desk)
            with gr.Tab("Archive", id="archive", elem_id="nd-tab-archive"):
                archive.build(desk)

        def ask_api(question: str) -> dict[str, Any]:
            """The cited answer as JSON, for programs (gradio_client)."""
            return desk.ask(question).model_dump(mode="json")

        gr.api(ask_api, api_name="ask")
    return app
