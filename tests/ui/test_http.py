"""The HTTP API's shapes, through FastAPI's TestClient, over the fixture archive (real MiniLM) with a fake LLM."""

import json
import re
import threading
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from qa import Desk, FakeLLM, Settings
from qa.answering.answer import ABSTAIN_TEXT
from ui.http import create_api
from ui.server import LockedDesk

RENTS = "What did the Harbor city council decide on rents?"
RENT_SOURCE = "[1] Harbor city council caps rents — Harbor Herald, 2024-02-06, https://harborherald.example/2024/02/06/rent-cap"


def slowly(pieces, seconds, seen=None):
    """A fake LLM's pieces with a pause before each (and recorded in ``seen``); returns its Completion."""
    try:
        while True:
            time.sleep(seconds)
            piece = next(pieces)
            if seen is not None:
                seen.append(piece)
            yield piece
    except StopIteration as done:
        return done.value


def client_for(desk, **options):
    app = FastAPI()
    app.mount("/v1", create_api(LockedDesk(desk), **options))
    return TestClient(app)


def ask(client, content, stream=False, **extra):
    return client.post("/v1/chat/completions", json={
        "model": "newsdesk", "messages": [{"role": "user", "content": content}], "stream": stream, **extra})


def events(response):
    """The SSE events of a stream: each `data: ...` payload, in order; comments and blank lines skipped."""
    assert response.headers["content-type"].startswith("text/event-stream")
    blocks = response.text.split("\n\n")
    assert blocks[-1] == "", "every event ends with a blank line"
    payloads = []
    for block in blocks[:-1]:
        if block.startswith(":"):
            continue
        assert block.startswith("data: ") and "\n" not in block, f"one data line per event: {block!r}"
        payloads.append(block[len("data: "):])
    return payloads


def streamed(response):
    payloads = events(response)
    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == chunks[0]["id"] for c in chunks)
    return chunks, "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])


@pytest.fixture
def desk(fixture_desk):
    fixture_desk.llm = FakeLLM(["The council capped rents at 4 percent [1]. The jets are purple."])
    return fixture_desk


def test_a_completion_is_the_checked_answer_then_its_sources_with_citations_in_the_extra_field(desk):
    reply = ask(client_for(desk), RENTS).json()
    assert reply["object"] == "chat.completion" and reply["model"] == "newsdesk"
    choice = reply["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    assert content == (
        "“The Harbor city council voted 7-2 on Tuesday to cap annual rent increases at 4 percent.” [1] "
        f"The council capped rents at 4 percent [1].\n\nSources:\n{RENT_SOURCE}"
    ), "the quoted lead, the model's checked sentence, the sources; the unsupported sentence is left out"
    info = reply["newsdesk"]
    assert {int(n) for n in re.findall(r"\[(\d+)\]", content)} == {c["marker"] for c in info["citations"]}
    cited = info["citations"][0]
    assert (cited["article_id"], cited["source"], cited["date"]) == ("fx-1", "Harbor Herald", "2024-02-06")
    assert cited["spans"][0]["text"].startswith("The Harbor city council voted 7-2")
    assert info["abstained"] is False and info["question"] == RENTS and info["rewritten_question"] is None
    usage = reply["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


def test_a_stream_sends_only_checked_text_and_ends_with_the_extra_field_and_done(desk):
    expected = ask(client_for(desk), RENTS).json()["choices"][0]["message"]["content"]
    desk.llm = FakeLLM(["The council capped rents at 4 percent [1]. The jets are purple."])
    response = ask(client_for(desk), RENTS, stream=True, stream_options={"include_usage": True})
    assert response.status_code == 200
    chunks, content = streamed(response)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert content == expected, "the streamed pieces add up to the non-streamed reply"
    assert "purple" not in response.text, "the model's unchecked draft never leaves the server"
    assert chunks[1]["choices"][0]["delta"]["content"].startswith("“The Harbor city council voted"), "lead first"
    last, usage = chunks[-2], chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop" and last["choices"][0]["delta"] == {}
    assert [c["article_id"] for c in last["newsdesk"]["citations"]] == ["fx-1"]
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] > 0


def test_a_stream_without_a_supported_sentence_sends_the_lead_alone(desk):
    desk.llm = FakeLLM(["The council banned all cars downtown [1]."])
    _, content = streamed(ask(client_for(desk), RENTS, stream=True))
    assert content == (
        "“The Harbor city council voted 7-2 on Tuesday to cap annual rent increases at 4 percent.” [1]"
        f"\n\nSources:\n{RENT_SOURCE}"
    )
    assert "cars" not in content


def test_an_unanswerable_question_streams_the_abstention_without_asking_the_model(desk):
    chunks, content = streamed(ask(client_for(desk), "What is the tallest mountain on Mars?", stream=True))
    assert content == ABSTAIN_TEXT
    info = chunks[-1]["newsdesk"]
    assert info["abstained"] is True and info["citations"] == [] and "close enough" in info["reason"]
    assert desk.llm.prompts == [], "the gate abstains before the LLM"


def test_keep_alive_comments_flow_while_the_model_writes(desk):
    class SlowLLM(FakeLLM):
        def _pieces(self, messages):
            return slowly(super()._pieces(messages), 0.05)

    desk.llm = SlowLLM(["The council capped rents at 4 percent [1]. The jets are purple."])
    response = ask(client_for(desk, keep_alive=0.02), RENTS, stream=True)
    assert ": newsdesk is checking the answer" in response.text
    _, content = streamed(response)
    assert "The council capped rents at 4 percent [1]." in content


@pytest.mark.parametrize("stream", [False, True])
def test_earlier_messages_are_the_conversation_and_a_follow_up_is_rewritten(desk, stream):
    desk.llm = FakeLLM(["When will Northwind Airlines get its new jets?", "Deliveries start in 2026 [1]."])
    first = ("“Northwind Airlines ordered 40 new jets worth about 3 billion dollars.” [1]\n\nSources:\n"
             "[1] Northwind Airlines orders 40 jets — Business Wire Daily, 2024-04-01")
    messages = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "What did Northwind Airlines order?"},
        {"role": "assistant", "content": first},
        {"role": "user", "content": [{"type": "text", "text": "And when will they get them?"}]},
    ]
    response = client_for(desk).post("/v1/chat/completions", json={"messages": messages, "stream": stream})
    if stream:
        chunks, content = streamed(response)
        info = chunks[-1]["newsdesk"]
        assert chunks[1]["choices"][0]["delta"]["content"] == (
            "(searched for: When will Northwind Airlines get its new jets?)\n\n"), "what is searched comes first"
    else:
        content, info = response.json()["choices"][0]["message"]["content"], response.json()["newsdesk"]
    assert info["rewritten_question"] == info["question"] == "When will Northwind Airlines get its new jets?"
    assert content.startswith("(searched for: When will Northwind Airlines get its new jets?)\n\n")
    assert info["citations"][0]["article_id"] in ("fx-4", "fx-8"), "the rewritten question was the one answered"
    rewrite_prompt = desk.llm.prompts[0][1].content
    assert "User: What did Northwind Airlines order?" in rewrite_prompt
    assert "Assistant: “Northwind Airlines ordered 40 new jets" in rewrite_prompt
    assert "Sources" not in rewrite_prompt and "You are helpful" not in rewrite_prompt


def test_the_question_an_earlier_reply_searched_stands_for_that_turn(desk):
    # The rewrite is refused ("Sure!"), so the fallback joins the previous *searched* question and the follow-up.
    desk.llm = FakeLLM(["Sure!", "Deliveries start in 2026 [1]."])
    messages = [
        {"role": "user", "content": "And the jets?"},
        {"role": "assistant", "content": "(searched for: What did Northwind Airlines order?)\n\nThey ordered 40 [1]."},
        {"role": "user", "content": "And the delivery date?"},
    ]
    info = client_for(desk).post("/v1/chat/completions", json={"messages": messages}).json()["newsdesk"]
    assert info["question"] == "What did Northwind Airlines order? And the delivery date?"


def test_filters_and_as_of_are_extra_body_fields(desk):
    client = client_for(desk)
    hits = client.post("/v1/search", json={"query": "Harbor rent cap", "as_of": "2024-02-16"}).json()
    assert {h["article"]["article_id"] for h in hits["data"]} == {"fx-1", "fx-2"}, "as_of keeps later articles out"
    assert hits["filters"] == {"as_of": "2024-02-16T23:59:59Z"}, "a bare as_of day means through its end"
    hits = client.post("/v1/search", json={"query": "rent", "sources": "valley sports", "since": "2024-03-01",
                                           "until": "2024-03-31", "limit": 1}).json()
    assert [h["article"]["article_id"] for h in hits["data"]] == ["fx-3"]
    assert hits["data"][0]["rank"] == 1 and set(hits["data"][0]) >= {"chunk_id", "text", "score", "start", "end"}
    assert len(client.post("/v1/search", json={"query": "Harbor rent", "k": 2}).json()["data"]) == 2
    excluded = client.post("/v1/search", json={"query": "Northwind jets", "exclude": ["fx-4", "fx-8"]}).json()
    assert not {"fx-4", "fx-8"} & {h["article"]["article_id"] for h in excluded["data"]}
    info = ask(client, RENTS, as_of="2024-02-10", where={"authors": "Nobody Atall"}).json()["newsdesk"]
    assert info["abstained"] and info["as_of"] == "2024-02-10T23:59:59Z", "a metadata filter matching nothing abstains"
    unknown = ask(client, RENTS, where={"nonexistent": "x"})
    assert unknown.status_code == 400, unknown.text
    assert "nonexistent" in unknown.json()["error"]["message"] and "authors" in unknown.json()["error"]["message"]
    info = ask(client, RENTS, as_of="2024-02-10T12:00:00Z").json()["newsdesk"]
    assert info["as_of"] == "2024-02-10T12:00:00Z" and info["citations"][0]["article_id"] == "fx-1"


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"messages": [{"role": "user", "content": "  "}]}, 400, "the question is empty"),
    ({"messages": [{"role": "user", "content": RENTS}], "as_of": "soon"}, 400,
     "as_of: 'soon' is not a date; use YYYY-MM-DD or ISO 8601"),
    ({"messages": [{"role": "user", "content": RENTS}], "since": "2024-03-01", "until": "2024-02-01"}, 400,
     "since (2024-03-01) is after the end of the window (2024-02-01)"),
    ({"messages": [{"role": "user", "content": RENTS}], "sources": ["Nobody News"]}, 400,
     "no articles from Nobody News in this archive"),
    ({"messages": [{"role": "user", "content": RENTS}, {"role": "assistant", "content": "Hi"}]}, 400,
     "the last message must be the user's question"),
    ({"messages": []}, 422, "messages: List should have at least 1 item"),
    ({"model": "newsdesk"}, 422, "messages: Field required"),
])
@pytest.mark.parametrize("stream", [False, True])
def test_bad_input_is_a_one_line_error_in_openai_shape_even_when_streaming(desk, body, status, message, stream):
    response = client_for(desk).post("/v1/chat/completions", json={**body, "stream": stream})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json", "refused before any stream starts"
    error = response.json()["error"]
    assert error["message"].startswith(message) and "\n" not in error["message"]
    assert error["type"] == "invalid_request_error"


@pytest.mark.parametrize(("body", "message"), [
    ({"query": "rent", "k": 0}, "k: Input should be greater than or equal to 1"),
    ({"query": "rent", "metadata": {"a": 1}}, "metadata: Extra inputs are not permitted"),
    ({"k": 3}, "query: Field required"),
])
def test_search_refuses_bad_bodies(desk, body, message):
    response = client_for(desk).post("/v1/search", json=body)
    assert response.status_code == 422 and response.json()["error"]["message"] == message


def test_a_body_that_is_not_json_and_an_unknown_route_are_openai_errors(desk):
    client = client_for(desk)
    response = client.post("/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "JSON decode error" in response.json()["error"]["message"]
    response = client.get("/v1/completions")
    assert response.status_code == 404 and response.json()["error"]["type"] == "not_found_error"


def test_models_lists_newsdesk(desk):
    models = client_for(desk).get("/v1/models").json()
    assert models["object"] == "list" and [m["id"] for m in models["data"]] == ["newsdesk"]


def test_errors_never_show_a_traceback_or_a_file_path(tmp_path, caplog):
    missing = tmp_path / "secret-place" / "archive"
    desk = Desk.open(missing, Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}))
    response = client_for(desk).post("/v1/search", json={"query": "rent"})
    assert response.status_code == 503
    message = response.json()["error"]["message"]
    assert message.startswith("no newsdesk archive at <path>") and "secret-place" not in message

    class Buggy:
        def search(self, *args, **kwargs):
            raise RuntimeError(f"bug while reading {missing}")

    response = client_for(Buggy()).post("/v1/search", json={"query": "rent"})
    assert response.status_code == 500
    assert response.json()["error"] == {"message": "newsdesk hit an internal error; the server log has the details",
                                        "type": "server_error", "param": None, "code": None}
    assert "Traceback" in caplog.text and "bug while reading" in caplog.text, "the server log keeps the details"


def test_a_failure_after_the_stream_started_is_an_error_event(desk):
    class Broken(FakeLLM):
        def _pieces(self, messages):
            yield "The council"
            raise RuntimeError("llama.cpp crashed in /opt/models")

    desk.llm = Broken()
    payloads = events(ask(client_for(desk), RENTS, stream=True))
    assert payloads[-1] == "[DONE]", "the stream still ends properly"
    error = json.loads(payloads[-2])["error"]
    assert error["type"] == "server_error" and "/opt" not in error["message"]
    assert "The council" not in "".join(payloads), "the draft before the failure was never sent"


def test_leaving_a_stream_early_stops_the_model_and_frees_the_desk(desk):
    from qa.filters import SearchFilters
    from ui.http import _start_stream

    written = []

    class Counting(FakeLLM):
        def _pieces(self, messages):
            return slowly(super()._pieces(messages), 0.02, written)

    desk.llm = Counting([" ".join(["word"] * 200)])
    articles = desk.stats().articles
    locked = LockedDesk(desk)
    stop = threading.Event()
    pieces = _start_stream(locked, RENTS, [], SearchFilters()).pieces(stop)
    assert next(pieces).startswith("“The Harbor city council"), "the lead, before the model writes"
    stop.set()
    assert list(pieces) == [], "nothing after the reader left"
    assert locked.stats().articles == articles, "the desk is free again"
    assert len(written) < 200, "the model stopped writing"
