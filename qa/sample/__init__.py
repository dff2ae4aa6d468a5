"""The bundled sample archive: short articles written for newsdesk, labelled source "newsdesk sample"."""

from __future__ import annotations

from pathlib import Path

EXAMPLE_QUESTION = "What has Russia said about US strikes?"


def sample_archive_path() -> Path:
    """Path of the sample archive's JSON Lines file (ships inside the package)."""
    return Path(__file__).with_name("articles.jsonl")
