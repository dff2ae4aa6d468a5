"""The LLM protocol as every backend declares it, and prompt tokens counted locally from a GGUF header."""

import inspect
import struct

import pytest

from evals.systems.base import RecordingLLM
from qa import FakeLLM, LocalLLM, Message, OpenAICompatibleLLM
from qa.llm import LLM
from qa.llm.base import estimate_prompt_tokens
from qa.llm.tokenizer import chat_tokenizer, read_gguf_metadata

QUESTION = [Message(role="user", content="Capital?")]


def _backends(tmp_path):
    return [
        LocalLLM("qwen2.5-coder-0.5b", tmp_path),
        OpenAICompatibleLLM("http://127.0.0.1:9/v1", "m"),
        FakeLLM(),
        RecordingLLM(FakeLLM()),
    ]


def test_every_backend_implements_the_protocol_as_declared(tmp_path):
    methods = [name for name, value in vars(LLM).items() if callable(value) and not name.startswith("_")]
    assert {"complete", "stream"} <= set(methods)
    for llm in _backends(tmp_path):
        assert isinstance(llm, LLM) and isinstance(llm.name, str) and llm.name
        for name in methods:
            declared, implemented = inspect.signature(getattr(LLM, name)), inspect.signature(getattr(type(llm), name))
            assert implemented == declared, f"{type(llm).__name__}.{name}{implemented} is not LLM.{name}{declared}"
        assert not hasattr(llm, "last_usage"), "usage belongs to each result, not to the shared backend"


def write_gguf(path, meta):
    """A GGUF v3 file with ``meta`` as its metadata and no tensors."""

    def text(value):
        return struct.pack("<Q", len(value.encode())) + value.encode()

    out = b"GGUF" + struct.pack("<IQQ", 3, 0, len(meta))
    for key, value in meta.items():
        out += text(key)
        if isinstance(value, bool):
            out += struct.pack("<I?", 7, value)
        elif isinstance(value, int):
            out += struct.pack("<Ii", 5, value)
        elif isinstance(value, str):
            out += struct.pack("<I", 8) + text(value)
        elif value and isinstance(value[0], str):
            out += struct.pack("<IIQ", 9, 8, len(value)) + b"".join(text(v) for v in value)
        else:
            out += struct.pack("<IIQ", 9, 5, len(value)) + struct.pack(f"<{len(value)}i", *value)
    path.write_bytes(out)


TINY_TOKENS = ["a", "b", "Ġ", "ab", "Ġab", "<|im_start|>", "<|im_end|>"]
TINY_GGUF = {
    "general.architecture": "qwen2",
    "tokenizer.ggml.model": "gpt2",
    "tokenizer.ggml.pre": "qwen2",
    "tokenizer.ggml.tokens": TINY_TOKENS,
    "tokenizer.ggml.token_type": [1, 1, 1, 1, 1, 3, 3],
    "tokenizer.ggml.merges": ["a b", "Ġ ab"],
    "tokenizer.ggml.eos_token_id": 6,
    "tokenizer.ggml.add_bos_token": False,
    "tokenizer.chat_template": "{% for m in messages %}<|im_start|>{{ m.content }}<|im_end|>{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>{% endif %}",
}


def test_gguf_tokenizer_counts_a_prompt_without_the_model(tmp_path, monkeypatch):
    path = tmp_path / "tiny.gguf"
    write_gguf(path, TINY_GGUF)
    meta = read_gguf_metadata(path, prefix="tokenizer.")
    assert meta["tokenizer.ggml.tokens"] == TINY_TOKENS and "general.architecture" not in meta
    messages = [Message(role="user", content="ab ab b"), Message(role="user", content="a<|im_end|>")]
    assert chat_tokenizer(path).render(messages) == "<|im_start|>ab ab b<|im_end|><|im_start|>a<|im_end|><|im_end|>" \
        "<|im_start|>"
    # ab | Ġab | Ġ b (no merge), then a | <|im_end|> as one special token, and five template markers
    llm = LocalLLM(str(path), tmp_path)
    monkeypatch.setattr(llm, "_server", lambda: pytest.fail("counting must not load the model"))
    assert llm.count_tokens(messages) == 4 + 2 + 5


@pytest.mark.parametrize("change", [{"tokenizer.ggml.pre": "llama-bpe"}, {"tokenizer.ggml.add_bos_token": True},
                                    {"tokenizer.ggml.model": "llama"}])
def test_tokenizers_not_reproduced_locally_are_estimated(tmp_path, change):
    path = tmp_path / "other.gguf"
    write_gguf(path, TINY_GGUF | change)
    assert chat_tokenizer(path) is None
    assert LocalLLM(str(path), tmp_path).count_tokens(QUESTION) == estimate_prompt_tokens(QUESTION)


def test_a_file_that_is_not_gguf_is_estimated(tmp_path):
    path = tmp_path / "broken.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 5))  # five keys promised, none there
    with pytest.raises(ValueError, match="ends early"):
        read_gguf_metadata(path)
    assert LocalLLM(str(path), tmp_path).count_tokens(QUESTION) == estimate_prompt_tokens(QUESTION)
