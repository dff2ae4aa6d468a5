"""The web app's tabs beyond the chat, one module each: ``search``, ``timeline``, ``archive``.

Each module exposes ``build(desk) -> None``, called inside ``with gr.Tab(...)`` of :func:`ui.app.build_app`; its
event handlers are plain functions of the module so they can be tested without a browser.
"""
