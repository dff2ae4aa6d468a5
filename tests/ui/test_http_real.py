"""The real server, as `newsdesk serve` runs it (uvicorn, the Gradio app, the API, auth), over the fixture archive with
the real MiniLM and the bundled 0.5B model, called with the official OpenAI client and plain HTTP."""

from __future__ import annotations

import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from openai import AuthenticationError, OpenAI

from qa.answering.answer import ABSTAIN_TEXT
from ui.server import ServeOptions, create_app

pytestmark = pytest.mark.slow

USER, PASSWORD = "editor", "s3cret"
RENTS = "What did the Harbor city council decide on rents?"
FINAL = "Who won the regional football final?"


@pytest.fixture(scope="module")
def url(fixture_archive):
    desk = fixture_archive.desk()  # default settings: the bundled 0.5B model
    assert desk.llm.name.startswith("qwen2.5-coder-0.5b")
    app = create_app(desk, ServeOptions(auth=(USER, PASSWORD)))
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))  # a free port, held from now on, so nothing can take it before uvicorn
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    server.should_exit = True
    thread.join(30)
    fixture_archive.check_unchanged()


def client(url, key=PASSWORD):
    return OpenAI(base_url=f"{url}/v1", api_key=key, timeout=600, max_retries=0)


def check_cited(content, info):
    """Every [n] in the content is a citation of the extra field, with its source line; or a plain abstention."""
    if info["abstained"]:
        assert content.startswith(ABSTAIN_TEXT) and info["citations"] == [] and "[" not in content
        return
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", content.split("\n\nSources:\n")[0])}
    assert markers and markers == {c["marker"] for c in info["citations"]}
    for citation in info["citations"]:
        assert f"[{citation['marker']}] {citation['title']} — {citation['source']}, {citation['date']}" in content
        assert citation["article_id"].startswith("fx-") and citation["spans"]


def ask(url, question):
    completion = client(url).chat.completions.create(model="newsdesk", messages=[{"role": "user", "content": question}],
                                                     extra_body={"as_of": "2024-06-30"})
    return completion.choices[0].message.content, completion.newsdesk


def ask_streaming(url, question):
    chunks = list(client(url).chat.completions.create(
        model="newsdesk", messages=[{"role": "user", "content": question}], stream=True))
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chunks[-1].choices[0].finish_reason == "stop"
    return content, chunks[-1].newsdesk


def test_the_openai_client_gets_cited_answers_streamed_or_not_while_others_search(url):
    with ThreadPoolExecutor(3) as pool:  # at once, as several readers would: they take turns, none fails
        plain = pool.submit(ask, url, RENTS)
        streamed = pool.submit(ask_streaming, url, FINAL)
        searched = pool.submit(httpx.post, f"{url}/v1/search", json={"query": "football final", "k": 3},
                               auth=(USER, PASSWORD), timeout=600)
        content, info = plain.result()
        check_cited(content, info)
        assert info["as_of"] == "2024-06-30T23:59:59Z"
        assert not info["abstained"] and info["citations"][0]["article_id"] == "fx-1", content
        content, info = streamed.result()
        check_cited(content, info)
        assert not info["abstained"] and "Glacier Valley" in content, content
        hits = searched.result()
        assert hits.status_code == 200 and hits.json()["data"][0]["article"]["article_id"] == "fx-3"
    assert [m.id for m in client(url).models.list()] == ["newsdesk"]


def test_every_route_needs_the_credentials(url):
    routes = [
        ("GET", "/", None),
        ("GET", "/config", None),
        ("GET", "/v1/models", None),
        ("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": RENTS}]}),
        ("POST", "/v1/search", {"query": "rent cap"}),
    ]
    for method, path, body in routes:
        assert httpx.request(method, url + path, json=body).status_code == 401, path
        assert httpx.request(method, url + path, json=body, auth=(USER, "guess")).status_code == 401, path
    page = httpx.get(url + "/", auth=(USER, PASSWORD))
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert httpx.get(url + "/config", auth=(USER, PASSWORD)).json()["username"] == USER
    with pytest.raises(AuthenticationError):
        client(url, key="guess").models.list()
