"""A GGUF chat model's prompt tokens, counted in Python exactly as llama.cpp's server counts them.

xllamacpp's Python API has no tokenizer call (only chat completions, completions, embeddings and rerank), so the
model's tokenizer and chat template are read from the GGUF file's metadata: the BPE vocabulary and merges become a
Hugging Face ``tokenizers`` tokenizer with llama.cpp's pre-tokenizer rule for the model, and the template is
rendered with Jinja2 in a sandbox, as llama.cpp does. Reading and building take about a second, once per file; a
count then takes milliseconds and never touches the model.

Only the tokenizers whose llama.cpp rules are reproduced here are counted (``gpt2``-style BPE with a known
pre-tokenizer, e.g. every Qwen2.5 model); :func:`chat_tokenizer` says None for the others.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from qa.llm.base import Message

# llama.cpp's pre-tokenizer regexes by ``tokenizer.ggml.pre`` (src/llama-vocab.cpp), in the Hugging Face form.
PRE_TOKENIZER_PATTERNS = {
    "qwen2": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
    r"|\s+(?!\S)|\s+",
}
_CONTROL, _USER_DEFINED = 3, 4  # tokenizer.ggml.token_type values llama.cpp matches as special tokens in prompts


class ChatTokenizer:
    """Renders messages with a model's chat template and counts the prompt's tokens.

    Args:
        tokenizer: a ``tokenizers.Tokenizer`` that encodes like llama.cpp (special tokens parsed, no BOS added).
        template: the model's chat template (Jinja2 source).
        special: template variables such as ``bos_token`` and ``eos_token``.
    """

    def __init__(self, tokenizer: Any, template: str, special: dict[str, str]) -> None:
        from jinja2.exceptions import TemplateError
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        def raise_exception(message: str) -> None:
            raise TemplateError(message)

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        env.globals["raise_exception"] = raise_exception
        self._template = env.from_string(template)
        self._tokenizer = tokenizer
        self._special = special

    def render(self, messages: list[Message]) -> str:
        """The prompt text llama.cpp builds for ``messages``, the assistant's turn opened."""
        return self._template.render(
            messages=[m.model_dump() for m in messages], add_generation_prompt=True, tools=None, **self._special
        )

    def count(self, messages: list[Message]) -> int:
        """Tokens of the prompt for ``messages``: what llama.cpp reports as the reply's ``prompt_tokens``.

        Raises:
            jinja2.TemplateError: the template refuses the messages (e.g. roles out of order).
        """
        return len(self._tokenizer.encode(self.render(messages), add_special_tokens=False).ids)


@functools.lru_cache(maxsize=4)
def chat_tokenizer(path: Path) -> ChatTokenizer | None:
    """The ChatTokenizer of the GGUF file at ``path`` (cached), or None when its tokenizer is not one reproduced here.

    Raises:
        OSError: the file cannot be read.
        ValueError: it is not a GGUF file.
    """
    meta = read_gguf_metadata(path, prefix="tokenizer.")
    pattern = PRE_TOKENIZER_PATTERNS.get(str(meta.get("tokenizer.ggml.pre")))
    template = meta.get("tokenizer.chat_template")
    if (
        meta.get("tokenizer.ggml.model") != "gpt2"
        or pattern is None
        or not isinstance(template, str)
        or meta.get("tokenizer.ggml.add_bos_token", False)
    ):
        return None
    from tokenizers import AddedToken, Regex, Tokenizer, models, pre_tokenizers

    tokens: list[str] = meta["tokenizer.ggml.tokens"]
    merges = [tuple(merge.split(" ", 1)) for merge in meta["tokenizer.ggml.merges"]]
    tokenizer = Tokenizer(models.BPE(vocab={token: i for i, token in enumerate(tokens)}, merges=merges))
    # No normalizer: llama.cpp tokenizes the text as it is (Hugging Face's Qwen tokenizer would apply NFC).
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(pattern), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    kinds = meta.get("tokenizer.ggml.token_type") or []
    tokenizer.add_special_tokens(
        [
            AddedToken(token, special=True, normalized=False)
            for token, kind in zip(tokens, kinds, strict=False)
            if kind in (_CONTROL, _USER_DEFINED)
        ]
    )
    special = {
        f"{name}_token": tokens[index]
        for name in ("bos", "eos")
        if isinstance(index := meta.get(f"tokenizer.ggml.{name}_token_id"), int) and 0 <= index < len(tokens)
    }
    return ChatTokenizer(tokenizer, template, special)


# GGUF metadata value types (ggml/include/gguf.h): struct formats of the scalars; 8 is a string, 9 an array.
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9


def read_gguf_metadata(path: Path, prefix: str = "") -> dict[str, Any]:
    """The key-value metadata of a GGUF file (version 2 or 3), keeping the keys that start with ``prefix``.

    Only the header is read, never the tensors.

    Raises:
        OSError: the file cannot be read.
        ValueError: it is not a GGUF file, or its header is cut short or malformed.
    """
    with Path(path).open("rb") as file:
        if file.read(4) != b"GGUF":
            raise ValueError(f"{path} is not a GGUF file")
        read = _reader(file)
        version = read("I")
        if version not in (2, 3):
            raise ValueError(f"{path} is GGUF version {version}; versions 2 and 3 are read")
        read("Q")  # tensor count
        meta: dict[str, Any] = {}
        for _ in range(read("Q")):
            key = _read_value(file, read, _STRING)
            value = _read_value(file, read, read("I"))
            if key.startswith(prefix):
                meta[key] = value
        return meta


def _reader(file: IO[bytes]) -> Callable[[str], Any]:
    def read(fmt: str) -> Any:
        size = struct.calcsize("<" + fmt)
        data = file.read(size)
        if len(data) != size:
            raise ValueError("GGUF header ends early")
        return struct.unpack("<" + fmt, data)[0]

    return read


def _read_value(file: IO[bytes], read: Callable[[str], Any], kind: int) -> Any:
    if kind == _STRING:
        size = read("Q")
        data = file.read(size)
        if len(data) != size:
            raise ValueError("GGUF header ends early")
        return data.decode("utf-8", errors="replace")
    if kind == _ARRAY:
        item_kind, count = read("I"), read("Q")
        if item_kind in _SCALARS:
            size = struct.calcsize("<" + _SCALARS[item_kind]) * count
            data = file.read(size)
            if len(data) != size:
                raise ValueError("GGUF header ends early")
            return list(struct.unpack(f"<{count}{_SCALARS[item_kind]}", data))
        return [_read_value(file, read, item_kind) for _ in range(count)]
    if kind not in _SCALARS:
        raise ValueError(f"unknown GGUF value type {kind}")
    return read(_SCALARS[kind])
