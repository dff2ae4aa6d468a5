"""The server around the API: auth on every route, the lock-wrapped desk, the request queue, `newsdesk serve`."""

import asyncio
import base64
import threading
import time

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from qa import AnswerStream, Desk, Settings
from tests.conftest import FIXTURES
from ui.cli import cli
from ui.http import RequestQueue
from ui.http_errors import APIError
from ui.server import Locked, LockedDesk, ServeOptions, create_app

FAST = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
ROUTES = [
    ("GET", "/", None),
    ("GET", "/config", None),
    ("GET", "/gradio_api/info", None),
    ("GET", "/v1/models", None),
    ("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": "Who won the football final?"}]}),
    ("POST", "/v1/search", {"query": "football final"}),
]


@pytest.fixture(scope="module")
def hash_archive(build_shared_archive):
    return build_shared_archive(FIXTURES / "articles.jsonl", settings=FAST)


def tiny_blocks(built):
    def build(desk):
        import gradio as gr

        built.append(desk)
        with gr.Blocks() as blocks:
            gr.Markdown("newsdesk under test")
        return blocks

    return build


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_with_auth_every_route_refuses_without_credentials_and_works_with_them(hash_archive):
    built = []
    app = create_app(hash_archive.desk(), ServeOptions(auth=("editor", "s3cret")), build_blocks=tiny_blocks(built))
    assert isinstance(built[0], LockedDesk), "the Gradio app gets the same lock-wrapped desk as the API"
    with TestClient(app) as client:
        for method, path, body in ROUTES:
            for headers in ({}, basic("editor", "guess"), basic("intruder", "s3cret"), {"Authorization": "Bearer no"}):
                refused = client.request(method, path, json=body, headers=headers)
                assert refused.status_code == 401, (path, headers)
                assert refused.headers["www-authenticate"].startswith('Basic realm="newsdesk"'), "browsers ask"
                if path.startswith("/v1"):
                    assert refused.json()["error"]["type"] == "authentication_error"
            for headers in (basic("editor", "s3cret"), {"Authorization": "Bearer s3cret"}):
                assert client.request(method, path, json=body, headers=headers).status_code == 200, (path, headers)
        config = client.get("/config", headers={"Authorization": "Bearer s3cret"}).json()
        assert config["username"] == "editor", "Gradio knows the user (its auth_dependency)"
        assert "newsdesk under test" in str(config["components"])


def test_without_auth_the_routes_are_open(hash_archive):
    app = create_app(hash_archive.desk(), ServeOptions(), build_blocks=tiny_blocks([]))
    with TestClient(app) as client:
        for method, path, body in ROUTES:
            assert client.request(method, path, json=body).status_code == 200, path


class Recorder:
    """A stand-in desk recording how many of its calls overlap."""

    def __init__(self):
        self.running = 0
        self.most = 0
        self.settings = FAST
        self.stream_pieces = ["a", "b", "c"]
        self.streamed = None
        self.started = []

    def work(self, seconds=0.05):
        self.started.append(time.monotonic())
        self.running += 1
        self.most = max(self.most, self.running)
        time.sleep(seconds)
        self.running -= 1
        return [seconds]

    def stats(self):
        return self.work(0)

    def ask_stream(self):
        self.streamed = ScriptedStream(self.stream_pieces)
        return self.streamed

    def helper(self):
        return Recorder()


class ScriptedStream(AnswerStream):
    """An answer stream whose pieces take 20 ms each to write."""

    lead = None

    def __init__(self, pieces):
        self.pieces, self.answer, self.closed, self.sent, self.ended = pieces, None, False, 0, None

    def __iter__(self):
        try:
            for piece in self.pieces:
                time.sleep(0.02)
                if isinstance(piece, Exception):
                    raise piece
                self.sent += 1
                yield piece
            self.answer = "checked"
        finally:
            self.closed, self.ended = True, time.monotonic()


def in_thread(function):
    worker = threading.Thread(target=function, daemon=True)
    worker.start()
    return worker


def test_the_locked_desk_lets_one_call_run_at_a_time(monkeypatch):
    target = Recorder()
    locked = LockedDesk(target)
    workers = [in_thread(locked.work) for _ in range(4)]
    for worker in workers:
        worker.join(5)
    assert target.most == 1, "calls from several threads take turns"
    assert locked.settings is FAST and locked.work(0) == [0], "data is handed out as it is"
    assert isinstance(locked.helper(), Locked), "objects with behaviour come back locked too"


def test_a_stream_holds_the_lock_until_it_ends_even_when_read_from_several_threads():
    target = Recorder()
    target.stream_pieces = [str(n) for n in range(20)]
    locked = LockedDesk(target)
    stream = locked.ask_stream()
    pieces = iter(stream)
    got = [next(pieces)]
    other = in_thread(locked.stats)
    reader = in_thread(lambda: got.extend(pieces))  # the rest read by another thread, as Gradio does
    reader.join(5)
    other.join(5)
    assert got == target.stream_pieces and stream.answer == "checked"
    assert target.started[-1] >= target.streamed.ended, "the other call waited for the whole stream"


def test_the_reader_may_call_the_desk_mid_stream_without_deadlock():
    locked = LockedDesk(Recorder())
    seen = []

    def read():
        for piece in locked.ask_stream():
            seen.append((piece, locked.stats()))

    reader = in_thread(read)
    reader.join(5)
    assert not reader.is_alive() and [piece for piece, _ in seen] == ["a", "b", "c"]
    assert seen[0][1] == [0], "the call waited for the stream's end, which did not wait for the reader"


def test_leaving_a_stream_stops_it_and_frees_the_lock():
    target = Recorder()
    target.stream_pieces = [str(n) for n in range(1000)]
    locked = LockedDesk(target)
    stream = iter(locked.ask_stream())
    next(stream)
    stream.close()
    assert locked.stats() == [0], "the lock is free"
    assert target.streamed.closed and target.streamed.sent < 1000, "the stream was stopped, not run to its end"


def test_a_stream_failure_reaches_the_reader_and_frees_the_lock():
    target = Recorder()
    target.stream_pieces = ["a", RuntimeError("model crashed")]
    locked = LockedDesk(target)
    with pytest.raises(RuntimeError, match="model crashed"):
        list(locked.ask_stream())
    assert locked.stats() == [0]


def test_the_queue_runs_its_limit_at_once_lets_others_wait_and_refuses_beyond_its_size():
    async def scenario():
        queue = RequestQueue(limit=1, max_waiting=1)
        gate = threading.Event()
        order = []
        first = asyncio.ensure_future(queue.run(lambda: order.append("first") or gate.wait(5)))
        second = asyncio.ensure_future(queue.run(lambda: order.append("second")))
        await asyncio.sleep(0.1)
        with pytest.raises(APIError) as refused:
            await queue.run(lambda: "third")
        assert order == ["first"] and not second.done(), "the second waits its turn"
        gate.set()
        await first
        await second
        return refused.value, order

    refused, order = asyncio.run(scenario())
    assert order == ["first", "second"]
    assert refused.status == 503 and refused.headers == {"Retry-After": "5"} and "busy" in refused.message


@pytest.fixture
def serve_calls(monkeypatch):
    import ui.cli_serve
    import ui.server

    calls = []
    monkeypatch.setattr(ui.server, "serve", lambda desk, options: calls.append((desk, options)))
    monkeypatch.setattr(ui.cli_serve, "warm_up", lambda desk: None)
    monkeypatch.setenv("NEWSDESK_INDEX__EMBEDDING_MODEL", "hash")
    monkeypatch.setenv("NEWSDESK_LLM__BACKEND", "fake")
    return calls


def test_serve_options_reach_the_server(serve_calls, hash_archive, monkeypatch):
    archive = str(hash_archive.store.path)
    monkeypatch.setenv("NEWSDESK_AUTH", "editor:s3cret")
    result = CliRunner().invoke(cli, ["serve", "--archive", archive, "--port", "8123", "--concurrency", "2",
                                      "--queue-size", "5"])
    assert result.exit_code == 0, result.output
    desk, options = serve_calls[0]
    assert isinstance(desk, Desk)
    assert options == ServeOptions(host="127.0.0.1", port=8123, auth=("editor", "s3cret"), concurrency=2,
                                   queue_size=5)
    assert "http://127.0.0.1:8123" in result.output and "/v1" in result.output and "7 articles" in result.output


def test_serve_warns_when_open_to_the_network_without_auth(serve_calls, hash_archive):
    result = CliRunner().invoke(cli, ["serve", "--archive", str(hash_archive.store.path), "--host", "0.0.0.0"])
    assert result.exit_code == 0 and serve_calls[0][1].auth is None
    assert "add --auth USER:PASSWORD" in result.stderr


@pytest.mark.parametrize("value", ["editor", "editor:", ":s3cret"])
def test_serve_refuses_malformed_auth_in_one_line(serve_calls, value):
    result = CliRunner().invoke(cli, ["serve", "--auth", value])
    assert result.exit_code == 2 and not serve_calls
    assert "Invalid value for --auth: auth must be USER:PASSWORD" in result.stderr
    assert "Traceback" not in result.output


def test_serve_stops_in_one_line_when_there_is_no_archive(serve_calls, tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--archive", str(tmp_path / "none")])
    assert result.exit_code == 1 and not serve_calls
    assert result.stderr.startswith("Error: no newsdesk archive at")


def test_a_desk_built_from_the_locked_desks_parts_takes_turns_too(hash_archive):
    # The chat's model picker builds a Desk for another model over desk.store and desk.embedder.
    from qa import FakeLLM

    locked = LockedDesk(hash_archive.desk())
    other = Desk(locked.store, locked.embedder, FakeLLM(), locked.settings)
    assert other.path == hash_archive.store.path
    holder = in_thread(lambda: _hold(locked, 0.3))
    time.sleep(0.05)
    started = time.monotonic()
    hits = other.search("football final", k=2)
    assert time.monotonic() - started >= 0.2, "its archive calls waited for the lock"
    assert hits[0].article.article_id == "fx-3"
    holder.join(5)


def _hold(locked, seconds):
    with locked._lock:
        time.sleep(seconds)
