"""``newsdesk check [--archive PATH] [--repair] [--json]`` through click's runner, on real archives (chromadb in
tmp_path, tantivy, the hash embedder): what it prints, its exit codes, and its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.archive.check import CheckReport
from index.archive.recorded import META
from index.archive.vectors import make_client
from qa import Desk, Settings
from ui.cli_check import check_command, render_check

ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles.jsonl"
SETTINGS = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
ENV = {"NEWSDESK_INDEX__EMBEDDING_MODEL": "hash", "NEWSDESK_LLM__BACKEND": "fake"}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    desk = Desk.open(tmp_path / "archive", SETTINGS, create=True)
    assert desk.ingest([ARTICLES]).added == 7
    desk.close()
    return tmp_path / "archive"


def run(*args: str):
    return CliRunner().invoke(check_command, list(args), env=ENV, catch_exceptions=False)


def drop_vector(archive: Path) -> None:
    make_client(archive, SETTINGS.index).get_collection(SETTINGS.index.collection).delete(ids=["fx-1:0"])


def test_a_consistent_archive_prints_ok_lines_and_exits_0(archive):
    result = run("--archive", str(archive))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == str(archive) and lines[-1] == "consistent"
    assert "  ok        manifest: readable, 7 articles, 7 chunks" in lines
    assert not any("PROBLEM" in line for line in lines)
    repaired = run("--archive", str(archive), "--repair")
    assert (repaired.exit_code, repaired.output.splitlines()[-1]) == (0, "consistent"), "nothing to repair"


def test_a_problem_is_shown_with_its_count_and_example_and_exits_1_until_repaired(archive):
    drop_vector(archive)
    result = run("--archive", str(archive))
    assert result.exit_code == 1
    assert "  PROBLEM   vectors.missing: " in result.output and "(1, e.g. fx-1:0)  [--repair fixes]" in result.output
    assert result.output.splitlines()[-1] == "1 problem remains; 1 fixable with --repair"
    assert len(result.output.splitlines()) <= 24, "one screen"

    repaired = run("--archive", str(archive), "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "  repaired  vectors.missing: " in repaired.output
    assert repaired.output.splitlines()[-1] == "consistent after 1 repair"
    assert run("--archive", str(archive)).exit_code == 0, "a re-check is clean"


def test_json_is_the_report_and_keeps_the_exit_code(archive):
    drop_vector(archive)
    result = run("--archive", str(archive), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["consistent"] is False and report["path"] == str(archive)
    assert [(f["code"], f["count"], f["example"], f["repairable"]) for f in report["findings"]] == [
        ("vectors.missing", 1, "fx-1:0", True)
    ]
    fixed = json.loads(run("--archive", str(archive), "--json", "--repair").output)
    assert fixed["consistent"] is True and [f["code"] for f in fixed["repaired"]] == ["vectors.missing"]


def test_an_unrepairable_problem_keeps_exit_1_after_repair(archive):
    (archive / META).unlink()
    result = run("--archive", str(archive), "--repair")
    assert result.exit_code == 1
    assert "  PROBLEM   settings.missing: " in result.output and "[--repair fixes]" not in result.output
    assert result.output.splitlines()[-1] == "1 problem remains"


def test_no_archive_is_one_line_and_exit_1(tmp_path):
    result = run("--archive", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: no newsdesk archive at {tmp_path / 'nowhere'}; nothing to check"


def test_a_check_during_a_write_carries_a_note():
    text = render_check(CheckReport(path="/a", writer_active=True))
    assert "another process was writing to this archive meanwhile" in text
    assert "meanwhile" not in render_check(CheckReport(path="/a"))


def test_newsdesk_check_is_a_command_of_the_main_cli(archive):
    from ui.cli import cli

    drop_vector(archive)
    result = CliRunner().invoke(cli, ["check", "--archive", str(archive), "--json"], env=ENV)
    assert result.exit_code == 1, result.output
    assert json.loads(result.output)["consistent"] is False
