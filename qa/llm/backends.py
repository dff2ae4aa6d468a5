"""Which backend the settings name: :func:`make_llm`.

The backends themselves are :class:`qa.llm.local.LocalLLM` (a bundled GGUF run in-process by llama.cpp),
:class:`qa.llm.openai.OpenAICompatibleLLM` (any OpenAI-compatible endpoint) and :class:`qa.llm.base.FakeLLM`.
"""

from __future__ import annotations

from pathlib import Path

from qa.errors import SettingsError
from qa.llm.base import LLM, FakeLLM
from qa.llm.local import LocalLLM
from qa.llm.openai import OpenAICompatibleLLM
from qa.settings import LLMSettings


def make_llm(settings: LLMSettings, cache_dir: Path) -> LLM:
    """The LLM the settings name; nothing is loaded or called yet.

    Raises:
        SettingsError: the openai backend is chosen without a base URL.

    Example:
        >>> make_llm(LLMSettings(backend="fake"), Path(".")).name
        'fake'
    """
    if settings.backend == "openai":
        if not settings.base_url:
            raise SettingsError("the openai backend needs a base URL (--llm-base-url or NEWSDESK_LLM__BASE_URL)")
        return OpenAICompatibleLLM(
            settings.base_url,
            settings.model,
            api_key=settings.api_key,
            timeout_s=settings.timeout_s,
            temperature=settings.temperature,
        )
    if settings.backend == "fake":
        return FakeLLM()
    return LocalLLM(
        settings.model, cache_dir, n_ctx=settings.n_ctx, threads=settings.threads, temperature=settings.temperature
    )
