"""Language models behind one protocol: the bundled GGUF models, any OpenAI-compatible endpoint, a fake."""

from qa.llm.backends import LocalLLM, OpenAICompatibleLLM, make_llm
from qa.llm.base import LLM, Completion, FakeLLM, Message

__all__ = ["LLM", "Completion", "FakeLLM", "Message", "LocalLLM", "OpenAICompatibleLLM", "make_llm"]
