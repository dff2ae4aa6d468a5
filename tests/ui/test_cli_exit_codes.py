"""Exit codes a script can use (`newsdesk ingest … && newsdesk ask …`), and --json errors that are JSON."""

import json

import pytest
from click.testing import CliRunner

from ui.cli import cli

FAST = {"NEWSDESK_INDEX__EMBEDDING_MODEL": "hash", "NEWSDESK_LLM__BACKEND": "fake"}


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(cli, list(args), env=FAST, **kwargs)


def articles(archive: str) -> int:
    return json.loads(invoke("stats", "--archive", archive, "--json").stdout)["articles"]


@pytest.fixture
def mixed(tmp_path, fixture_articles):
    # An ordinary archive: most records fine, two without text (lines 2 and 4), one not JSON at all (line 3).
    bad = tmp_path / "feed.jsonl"
    good = {"id": "ok-1", "title": "Port reopens", "text": "The port of Harbor reopened on Monday after repairs."}
    bad.write_text("\n".join([json.dumps(good), '{"id": "e-1", "url": ""}', "not json {", '{"text": "  "}']) + "\n")
    return [str(fixture_articles), str(bad)]


def test_a_batch_with_a_few_skipped_records_exits_0_and_lists_each_with_file_line_and_reason(mixed, tmp_path):
    archive = str(tmp_path / "a")
    result = invoke("ingest", *mixed, "--archive", archive)
    assert result.exit_code == 0, "skipping a few bad records of a real archive must not stop `ingest && ask`"
    assert "8 added" in result.stdout and "3 failed" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if line.strip().startswith("skipped:")]
    assert len(skipped) == 3, result.stderr
    for line in (2, 3, 4):
        assert any(f"feed.jsonl:{line}: " in s for s in skipped), (line, skipped)
    assert "Traceback" not in result.output and "Error:" not in result.output

    report = json.loads(invoke("ingest", *mixed, "--archive", str(tmp_path / "b"), "--json").stdout)
    assert "error" not in report and report["added"] == 8
    assert sorted((f["line"], bool(f["reason"])) for f in report["failed"]) == [(2, True), (3, True), (4, True)]


def test_strict_fails_on_any_skipped_record_but_still_stores_the_readable_ones(mixed, tmp_path, fixture_articles):
    archive = str(tmp_path / "a")
    result = invoke("ingest", *mixed, "--archive", archive, "--strict")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: 3 records were skipped (--strict); the readable ones were stored (9 read)")
    assert articles(archive) == 8
    as_json = invoke("ingest", *mixed, "--archive", archive, "--strict", "--json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert report["unchanged"] == 8 and len(report["failed"]) == 3 and "--strict" in report["error"]
    clean = invoke("ingest", str(fixture_articles), "--archive", str(tmp_path / "c"), "--strict")
    assert clean.exit_code == 0, "--strict passes a batch with nothing skipped"


def test_nothing_readable_exits_1_with_the_reasons(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"foo": 1}\n{"bar": 2}\n')
    archive = str(tmp_path / "a")
    for paths in ([str(bad)], [str(tmp_path / "missing.json")], [str(tmp_path / "empty")]):
        (tmp_path / "empty").mkdir(exist_ok=True)
        result = invoke("ingest", *paths, "--archive", archive)
        assert result.exit_code == 1, paths
        assert result.stderr.strip().splitlines()[-1].startswith("Error: nothing was ingested: no article could be"), (
            result.stderr)
        as_json = invoke("ingest", *paths, "--archive", archive, "--json")
        assert as_json.exit_code == 1
        report = json.loads(as_json.stdout)
        assert report["error"].startswith("nothing was ingested") and report["failed"], report
    # Re-ingesting what is already stored is not "nothing read": every article was read and found unchanged.
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "g", "text": "The ferry to Harbor resumed service on Monday."}\n')
    assert invoke("ingest", str(good), "--archive", archive).exit_code == 0
    assert invoke("ingest", str(good), "--archive", archive, "--strict").exit_code == 0


def test_an_archive_that_cannot_be_written_exits_1_with_one_line(tmp_path, fixture_articles):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    archive = str(blocker / "archive")
    result = invoke("ingest", str(fixture_articles), "--archive", archive)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    message = f"could not write the archive {archive}: Not a directory ({archive})"
    assert result.stderr.strip() == f"Error: {message}"
    as_json = invoke("ingest", str(fixture_articles), "--archive", archive, "--json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout) == {"error": message}


def test_ingest_help_documents_the_exit_codes_and_strict():
    shown = invoke("ingest", "--help").stdout
    assert "Exit codes:" in shown and "--strict" in shown
    assert "0  the batch was processed" in shown and "2  wrong usage" in shown
    assert "Exit codes: 0 done; 1 an error" in invoke("--help").stdout


def failing_invocations(tmp_path, archive: str) -> dict[str, list[str]]:
    """For each command that takes --json, a call that fails on a user error."""
    queries = tmp_path / "q.txt"
    queries.write_text("rent cap\n")
    missing = str(tmp_path / "no-archive")
    return {
        "ingest": ["ingest", str(tmp_path / "nothing-here.json"), "--archive", archive],
        "search": ["search", "   ", "--archive", archive],
        "ask": ["ask", "", "--archive", archive],
        "timeline": ["timeline", "rent", "--archive", archive, "--since", "someday"],
        "stats": ["stats", "--archive", missing],
        "bench": ["bench", str(queries), "--archive", missing],
    }


def test_every_json_command_reports_errors_as_one_line_of_json_on_stdout(tmp_path, fixture_articles):
    archive = str(tmp_path / "a")
    assert invoke("ingest", str(fixture_articles), "--archive", archive).exit_code == 0
    calls = failing_invocations(tmp_path, archive)
    takes_json = {name for name, command in cli.commands.items()
                  if any("--json" in getattr(p, "opts", ()) for p in command.params)}
    assert set(calls) <= takes_json
    for name in sorted(takes_json - set(calls)):  # a command added later: a missing archive must fail the same way
        assert not any(p.required for p in cli.commands[name].params), f"give `{name}` a failing case here"
        calls[name] = [name, "--archive", str(tmp_path / "no-archive")]
    for name, args in calls.items():
        plain = invoke(*args)
        assert plain.exit_code == 1 and plain.stderr.splitlines()[-1].startswith("Error: "), (name, plain.output)
        result = invoke(*args, "--json")
        assert result.exit_code == 1, (name, result.output)
        lines = result.stdout.strip().splitlines()
        error = json.loads(result.stdout)["error"]
        assert error and "\n" not in error and "Traceback" not in result.output, name
        if name != "ingest":  # ingest prints its report, with the error in it (tested above)
            assert len(lines) == 1 and list(json.loads(lines[0])) == ["error"], (name, result.stdout)
            assert plain.stderr.strip() == f"Error: {error}", "the same message, as JSON"
        assert plain.stdout == "" or name == "ingest", "text-mode errors go to stderr"


def test_usage_errors_under_json_are_json_too_and_keep_exit_code_2(tmp_path, fixture_articles):
    archive = str(tmp_path / "a")
    invoke("ingest", str(fixture_articles), "--archive", archive)
    for args in (["search", "rent", "-k", "many"], ["search", "rent", "--where", "topics"],
                 ["ask", "Rents?", "--llm-backend", "nope"], ["timeline", "rent", "--limit", "0"]):
        result = invoke(*args, "--archive", archive, "--json")
        assert result.exit_code == 2, (args, result.output)
        assert list(json.loads(result.stdout)) == ["error"], args
    # A command without --json keeps click's own usage message.
    result = invoke("delete", "--archive", archive, "--json")
    assert result.exit_code == 2 and "No such option '--json'" in result.stderr


def test_a_json_answer_and_search_still_succeed_with_exit_0(tmp_path, fixture_articles):
    archive = str(tmp_path / "a")
    invoke("ingest", str(fixture_articles), "--archive", archive)
    hits = invoke("search", "rent cap", "--archive", archive, "--json")
    assert hits.exit_code == 0 and json.loads(hits.stdout) and "error" not in hits.stdout
    answer = invoke("ask", "What did the council decide on rents?", "--archive", archive, "--json")
    assert answer.exit_code == 0 and "question" in json.loads(answer.stdout)
