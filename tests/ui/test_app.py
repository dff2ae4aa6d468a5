import re

import pytest

from qa import FakeLLM
from ui.app import build_app, respond


@pytest.fixture
def desk(fixture_desk):
    fixture_desk.llm = FakeLLM(["The council capped rents at 4 percent [1]."])
    return fixture_desk


def test_respond_appends_answer_and_source_cards(desk):
    history, panel = respond(desk, "What did the Harbor city council decide on rents?", [])
    assert [m["role"] for m in history] == ["user", "assistant"]
    # The quoted lead first, then the model's checked sentence.
    marker = re.fullmatch(r"“The Harbor city council voted .*” \[\d\] The council capped rents at 4 percent \[(\d)\]\.",
                          history[1]["content"]).group(1)
    assert f"**[{marker}]**" in panel and "Harbor Herald" in panel and "harborherald.example" in panel


def test_respond_shows_errors_in_chat(desk):
    history, panel = respond(desk, "   ", [])
    assert history[-1]["content"].startswith("⚠️ the question is empty")
    assert panel == ""


def test_served_app_answers_over_http(desk):
    from gradio_client import Client

    app = build_app(desk)
    app.launch(server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(app.local_url, verbose=False)
        result = client.predict("What did the Harbor city council decide on rents?", api_name="/ask")
        assert result["citations"][0]["article"]["source"] == "Harbor Herald"
        assert not result["abstained"]
    finally:
        app.close()


def test_follow_ups_in_the_chat_are_rewritten_and_support_is_highlighted(desk):
    desk.llm = FakeLLM([
        "Northwind Airlines ordered 40 new jets.",
        "When will Northwind Airlines get its new jets?",
        "Deliveries start in 2026. The jets are purple.",
    ])
    chat = desk.chat()
    history, panel = respond(desk, "What did Northwind Airlines order?", [], chat)
    assert "**Northwind Airlines ordered 40 new jets worth about 3 billion dollars" in panel
    history, panel = respond(desk, "And when will they get them?", history, chat)
    assert history[-1]["content"].startswith("*(searched for: When will Northwind Airlines get its new jets?)*")
    assert "~~The jets are purple.~~" in panel, "the unsupported sentence is shown struck out, not as fact"
