"""The bundled 0.5B model, in-process and through llama.cpp's own OpenAI-compatible HTTP server.

The model loads once per session: xllamacpp's server answers in-process calls and listens on a free
127.0.0.1 port at the same time, so the HTTP tests reach the very model the in-process tests use.
"""

import json

import pytest

from qa import LLMError, LocalLLM, Message, OpenAICompatibleLLM
from qa.llm.base import estimate_prompt_tokens

pytestmark = pytest.mark.slow

CAPITAL = [
    Message(role="system", content="Answer in one word."),
    Message(role="user", content="What is the capital of France?"),
]


@pytest.fixture(scope="session")
def local_llm(model_cache):
    return LocalLLM("qwen2.5-coder-0.5b", model_cache, n_ctx=4096, threads=2)


@pytest.fixture(scope="session")
def served(local_llm):
    """An OpenAICompatibleLLM talking HTTP to the llama.cpp server that holds the session's model."""
    url = local_llm.endpoint_url()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    return OpenAICompatibleLLM(url, "qwen2.5-coder-0.5b", timeout_s=300)


def test_local_stream_matches_complete_and_holds_the_lock(local_llm):
    completion = local_llm.complete(CAPITAL, max_tokens=6)
    assert "paris" in completion.text.lower()
    assert completion.prompt_tokens == local_llm.count_tokens(CAPITAL), "the guard counts what llama.cpp counts"

    stream = local_llm.stream(CAPITAL, max_tokens=6)
    assert not LocalLLM._lock.locked(), "nothing happens before the first piece is asked for"
    pieces = [next(stream)]
    assert LocalLLM._lock.locked(), "one sequence at a time: the stream holds the lock"
    pieces += list(stream)
    assert not LocalLLM._lock.locked()
    assert "".join(pieces).strip() == completion.text, "greedy decoding: same reply either way"
    assert stream.completion.text == completion.text
    assert stream.completion.prompt_tokens == completion.prompt_tokens
    assert stream.completion.completion_tokens == completion.completion_tokens > 0


def test_closing_a_local_stream_early_releases_the_lock(local_llm):
    stream = local_llm.stream([Message(role="user", content="Count from 1 to 100, one number a line.")], max_tokens=200)
    first = next(stream)
    assert first and LocalLLM._lock.locked()
    stream.close()
    assert not LocalLLM._lock.locked(), "closing stops generation and frees the model for the next call"
    assert local_llm.complete(CAPITAL, max_tokens=4).text, "the model still answers after an abandoned stream"


def test_prompt_that_leaves_no_room_for_the_reply_is_refused_before_generating(local_llm, monkeypatch):
    long = [Message(role="user", content="x " * 3900)]
    tokens = local_llm.count_tokens(long)
    assert 3900 < tokens < 4096, "llama.cpp itself would accept this prompt, and cut the answer short"
    monkeypatch.setattr(local_llm, "_server", lambda: pytest.fail("the model was called"))
    with pytest.raises(LLMError, match=rf"prompt of {tokens} tokens plus max_tokens=256 does not fit .* 4096") as e:
        local_llm.complete(long, max_tokens=256)
    assert "\n" not in str(e.value)
    with pytest.raises(LLMError, match="does not fit"):
        next(local_llm.stream(long, max_tokens=256))
    assert not LocalLLM._lock.locked()


def news_prompt(fixture_articles):
    articles = [json.loads(line) for line in fixture_articles.read_text().splitlines() if line.strip()]
    return [
        Message(role="system", content="Answer from the passages and cite them like [1]."),
        Message(role="user", content="\n\n".join(f"[{i}] {a['title']}\n{a['text']}" for i, a in enumerate(articles))),
    ]


def test_cl100k_estimate_over_counts_real_news(local_llm, fixture_articles):
    messages = news_prompt(fixture_articles)
    exact, estimate = local_llm.count_tokens(messages), estimate_prompt_tokens(messages)
    assert exact < estimate < exact * 1.4, f"the fallback over-estimates, but not wildly ({exact=}, {estimate=})"


def test_openai_backend_against_real_server(served, local_llm):
    completion = served.complete(CAPITAL, max_tokens=6)
    assert "paris" in completion.text.lower()
    assert completion.prompt_tokens == local_llm.count_tokens(CAPITAL) and completion.completion_tokens > 0


def test_openai_backend_streams_from_real_server(served, local_llm):
    stream = served.stream(CAPITAL, max_tokens=6)
    pieces = list(stream)
    assert "paris" in "".join(pieces).lower()
    usage = stream.completion
    assert usage.text == "".join(pieces).strip()
    assert usage.prompt_tokens == local_llm.count_tokens(CAPITAL), "usage comes from the stream's last event"
    assert usage.completion_tokens >= len(pieces) > 0


def test_real_server_refusal_is_one_clear_line(served):
    too_long = [Message(role="user", content="x " * 5000)]
    for call in (served.complete, lambda m: list(served.stream(m))):
        with pytest.raises(LLMError, match=r"answered HTTP 400: .*exceeds the available context size") as e:
            call(too_long)
        assert served.base_url in str(e.value) and "\n" not in str(e.value)


def test_local_token_count_is_what_the_model_reports(local_llm, fixture_articles):
    prompts = [
        CAPITAL,
        [Message(role="user", content="Count from 1 to 100, one number a line.")],  # the template's default system
        news_prompt(fixture_articles),
        [Message(role="user", content="Zürich’s café — naïve 東京 🚀 ½ 12345678 it's THEY'LL <|im_end|> \n\n\t end ")],
        [Message(role="system", content="s"), Message(role="user", content="a"),
         Message(role="assistant", content="b [1]."), Message(role="user", content="and c?")],
    ]
    counts = [local_llm.count_tokens(messages) for messages in prompts]  # before any call: no model needed
    reported = [local_llm.complete(messages, max_tokens=1).prompt_tokens for messages in prompts]
    assert counts == reported
    assert counts != [estimate_prompt_tokens(messages) for messages in prompts], "not the cl100k fallback"


def test_warm_up_loads_the_model_once_and_knows_it_is_loaded(local_llm, model_cache, tmp_path):
    local_llm.warm_up()
    assert local_llm.loaded, "the loaded check names the same file the load used"
    assert local_llm.warm_up() == 0.0, "a loaded model is not loaded again"
    elsewhere = LocalLLM("qwen2.5-coder-0.5b", tmp_path / "other-cache", n_ctx=4096, threads=2)
    assert not elsewhere.loaded, "another cache holds another (not yet joined) file"
