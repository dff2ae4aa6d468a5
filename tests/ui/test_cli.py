import json

import pytest
from click.testing import CliRunner

from index.embedding import MiniLMEmbedder
from qa import FakeLLM
from ui.cli import cli


@pytest.fixture
def fast(monkeypatch):
    # Fast path: hash vectors and a scripted model; the real models are exercised in test_demo.py.
    monkeypatch.setenv("NEWSDESK_INDEX__EMBEDDING_MODEL", "hash")
    monkeypatch.setenv("NEWSDESK_LLM__BACKEND", "fake")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_ingest_search_stats(fast, fixture_articles, tmp_path):
    archive = str(tmp_path / "a")
    result = run("ingest", str(fixture_articles), "--archive", archive, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["added"] == 7
    again = json.loads(run("ingest", str(fixture_articles), "--archive", archive, "--json").output)
    assert (again["added"], again["unchanged"]) == (0, 7)

    hits = json.loads(
        run(
            "search", "rent cap", "--archive", archive, "--json", "--source", "harbor herald", "--since", "2024-02-10"
        ).output
    )
    assert hits and {h["article"]["article_id"] for h in hits} <= {"fx-2", "fx-7"}

    stats = json.loads(run("stats", "--archive", archive, "--json").output)
    assert (stats["articles"], stats["sources"]["Harbor Herald"]) == (7, 3)
    text = run("stats", "--archive", archive).output
    assert "articles: 7" in text
    assert f"chunks:   {stats['chunks']} ({stats['vectors']} embedded)" in text
    assert 0 < stats["vectors"] <= stats["chunks"]


def test_bad_input_gives_one_line_and_nonzero_exit(fast, fixture_articles, tmp_path):
    archive = str(tmp_path / "a")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"foo": 1}\n')
    result = CliRunner().invoke(
        cli, ["ingest", str(fixture_articles), str(bad), str(tmp_path / "nope.json"), "--archive", archive]
    )
    assert result.exit_code == 0, "a batch with some records skipped is processed (see test_cli_exit_codes.py)"
    assert "7 added" in result.output, "valid articles in the same batch are still ingested"
    assert "bad.jsonl:1: no article text" in result.output and "nope.json: no such file or folder" in result.output

    for args, message in [
        (["ask", "  ", "--archive", archive], "Error: the question is empty"),
        (["ask", "Rents?", "--archive", str(tmp_path / "missing")], "Error: no newsdesk archive at"),
        (["search", "rent", "--archive", archive, "--since", "someday"], "--since: 'someday' is not a date"),
        (["search", "rent", "--archive", archive, "--source", "Reuters"], "Error: no articles from Reuters"),
        (
            [
                "ask",
                "What did the Harbor city council decide on rents?",
                "--archive",
                archive,
                "--llm-base-url",
                "http://127.0.0.1:9/v1",
            ],
            "is unreachable",
        ),
    ]:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code != 0, args
        assert message in result.output, result.output
        assert "Traceback" not in result.output


def test_where_filters_on_any_field_and_says_when_nothing_matches(fast, tmp_path, fixture_articles):
    archive = str(tmp_path / "a")
    extra = tmp_path / "cocoa.jsonl"
    extra.write_text('{"id": "r1", "text": "Cocoa prices rose in Bahia.", "topics": "cocoa", "rank": 3}\n')
    assert run("ingest", str(fixture_articles), str(extra), "--archive", archive).exit_code == 0
    hits = json.loads(run("search", "prices", "--archive", archive, "--json", "--where", "topics=cocoa").output)
    assert [h["article"]["article_id"] for h in hits] == ["r1"]
    assert [h["article"]["article_id"] for h in json.loads(
        run("search", "prices", "--archive", archive, "--json", "--where", "rank=3").output)] == ["r1"]
    empty = run("search", "prices", "--archive", archive, "--where", "topics=wheat")
    assert "No passages match these filters" in empty.output
    bad = CliRunner().invoke(cli, ["search", "prices", "--archive", archive, "--where", "topics"])
    assert bad.exit_code != 0 and "expected FIELD=VALUE" in bad.output


def test_a_streamed_claim_the_check_rejects_never_reaches_the_output(fast, tmp_path, monkeypatch):
    archive = str(tmp_path / "a")
    assert run("sample", "--archive", archive).exit_code == 0
    # The model streams a claim no source supports: the check drops it, and only the checked answer is printed.
    monkeypatch.setattr("qa.desk.make_llm", lambda *args: FakeLLM(["The council banned all cars from downtown [1]."]))
    result = run("ask", "What did the council decide about rents?", "--archive", archive)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("The archive does not answer this question.")
    # It appears only where the output says it was rejected.
    mentions = [line for line in result.output.splitlines() if "banned all cars" in line]
    assert mentions and all("no passage supports the model's answer" in line for line in mentions), mentions
    # On a terminal the draft is shown as it streams, marked unchecked, and erased before the checked answer.
    monkeypatch.setattr("ui.cli._is_terminal", lambda stream: True)
    shown = run("ask", "What did the council decide about rents?", "--archive", archive).output
    assert "checking the draft: The council banned all cars" in shown, "the draft was shown while it streamed"
    visible = [line.split("\r\x1b[2K")[-1] for line in shown.split("\n")]  # what a terminal keeps of each line
    assert [line for line in visible if "banned all cars" in line] == mentions, "the erased draft left no trace"
    # Nothing close enough: newsdesk abstains before the model, and the answer is printed once.
    result = run("ask", "Quantum chromodynamics lattice gauge?", "--archive", archive)
    assert result.output.startswith("The archive does not answer this question.\n")
    assert result.output.count("The archive does not answer this question.") == 1
    assert "Closest passages found:" in result.output


def test_ask_says_once_that_it_prepares_the_model_and_times_it_apart(fast, tmp_path, monkeypatch):
    class ColdLLM(FakeLLM):
        loaded = False

        def warm_up(self) -> float:
            self.loaded = True
            return 2.5

    monkeypatch.setattr("qa.desk.make_llm", lambda *args: ColdLLM(["The council capped rents at 4 percent [1]."]))
    archive = str(tmp_path / "a")
    assert run("sample", "--archive", archive).exit_code == 0
    output = run("ask", "What did the council decide about rents?", "--archive", archive).output
    assert output.count("Preparing the bundled model fake") == 1 and "Model ready in 2.5 s." in output
    # An answer given without the model (nothing close enough) loads nothing.
    quiet = run("ask", "Quantum chromodynamics lattice gauge?", "--archive", archive).output
    assert "Preparing" not in quiet


def test_bench_answers_prints_first_text_first_token_and_checked_answer_times(fast, tmp_path):
    archive = str(tmp_path / "a")
    assert run("sample", "--archive", archive).exit_code == 0
    questions = tmp_path / "q.txt"
    questions.write_text("What did Peskov say about the escalation?\nWhat happened at Fordow?\n")
    result = run("bench", str(questions), "--archive", archive, "--answers", "--json")
    assert result.exit_code == 0, result.output
    timed = json.loads(result.output)
    assert timed["questions"] == 2 and timed["model"] == "fake"
    assert timed["answer_p50_ms"] > 0 and timed["first_text_p50_ms"] > 0
    text = run("bench", str(questions), "--archive", archive, "--answers").output
    assert "first text p50" in text and "checked answer p50" in text, text
    assert "llama.cpp built for" not in text, "a fake model ran on no llama.cpp build"


def test_bench_answers_names_the_llama_cpp_build():
    from evals.bench import AnswerBenchmark
    from ui.cli_bench import render

    timed = AnswerBenchmark(questions=1, first_text_p50_ms=1, first_text_p95_ms=1, first_token_p50_ms=2,
                            first_token_p95_ms=2, answer_p50_ms=3, answer_p95_ms=3, prompt_tokens_mean=600,
                            answered_by_model=1, led=0, model="qwen2.5-coder-0.5b",
                            llama_cpp=["SSE3", "AVX", "AVX2", "AVX512", "OPENMP"])
    assert render(timed).endswith("; llama.cpp built for AVX AVX2 AVX512")
    assert "(p50 none where a quote led, none elsewhere)" in render(timed), "none measured: no figure made up"


def test_bench_search_scores_queries_whose_gold_article_is_in_the_archive(fast, fixture_articles, tmp_path):
    archive = str(tmp_path / "a")
    assert run("ingest", str(fixture_articles), "--archive", archive).exit_code == 0
    questions = tmp_path / "q.jsonl"
    lines = [
        {"question": "Which airline ordered 40 new jets?", "gold_article_ids": ["fx-4"]},
        {"question": "Who won the regional football final?", "gold_article_ids": ["fx-3"]},
        # fx-8 is a wire copy of fx-4, dropped at ingest: not in the archive, so not scored.
        {"question": "Northwind wire copy", "gold_article_ids": ["fx-8"]},
        {"question": "Museum statue returned"},
    ]
    questions.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    timed = json.loads(run("bench", str(questions), "--archive", archive, "--json").output)
    assert timed["queries"] == 4 and timed["judged"] == 2
    assert timed["hits_at_1"] == timed["hits_at_5"] == timed["mrr_at_10"] == 1.0
    text = run("bench", str(questions), "--archive", archive).output
    assert "(2 queries whose gold article is in the archive): Hits@1 1.0" in text
    unjudged = tmp_path / "plain.txt"
    unjudged.write_text("rent cap\n")
    plain = json.loads(run("bench", str(unjudged), "--archive", archive, "--json").output)
    assert plain["judged"] == 0 and plain["hits_at_1"] is None


def test_user_errors_are_one_line_and_exit_1(fast, fixture_articles, tmp_path):
    archive = str(tmp_path / "a")
    run("ingest", str(fixture_articles), "--archive", archive)
    bad_window = CliRunner().invoke(
        cli, ["search", "rent", "--archive", archive, "--since", "2024-03-01", "--until", "2024-02-01"]
    )
    assert bad_window.exit_code == 1
    assert bad_window.output.strip() == "Error: since (2024-03-01) is after the end of the window (2024-02-01)"
    unknown_source = CliRunner().invoke(cli, ["search", "rent", "--archive", archive, "--source", "Nobody"])
    assert unknown_source.exit_code == 1 and "no articles from Nobody" in unknown_source.output
    bad_env = CliRunner().invoke(cli, ["search", "rent", "--archive", archive], env={"NEWSDESK_ANSWER__TOP_K": "many"})
    assert bad_env.exit_code == 1 and "NEWSDESK_ANSWER__TOP_K" in bad_env.output, bad_env.output


def test_an_internal_bug_is_not_dressed_up_as_a_user_error(fast, fixture_articles, tmp_path, monkeypatch):
    # Only NewsDeskError becomes a one-line message; any other exception, ValueError included, keeps its traceback.
    archive = str(tmp_path / "a")
    run("ingest", str(fixture_articles), "--archive", archive)

    def broken(*args, **kwargs):
        raise ValueError("internal: a bug, not bad input")

    monkeypatch.setattr("qa.desk.Desk.search", broken)
    result = CliRunner().invoke(cli, ["search", "rent", "--archive", archive])
    assert isinstance(result.exception, ValueError) and "internal" in str(result.exception)
    assert "Error: internal" not in result.output


def test_eval_runs_the_suite_in_process_and_reports_bad_input(tmp_path):
    missing = CliRunner().invoke(cli, ["eval", "--questions", str(tmp_path / "no.jsonl"), "--articles", "x.jsonl"])
    assert missing.exit_code == 2
    helped = CliRunner().invoke(cli, ["eval", "--help"])
    assert helped.exit_code == 0 and "newsdesk eval" in helped.output and "--remove-gold" in helped.output


def test_ask_prints_the_quoted_lead_at_once_and_once(fixture_articles, tmp_path, monkeypatch):
    # Real MiniLM (the lead's thresholds are set for it), a scripted model.
    monkeypatch.setattr("qa.desk.make_llm", lambda *args: FakeLLM(["The council capped rents at 4 percent [1]."]))
    archive = str(tmp_path / "a")
    assert run("ingest", str(fixture_articles), "--archive", archive).exit_code == 0
    monkeypatch.setattr("ui.cli._is_terminal", lambda stream: True)
    output = run("ask", "What did the Harbor city council decide on rents?", "--as-of", "2024-02-20",
                 "--archive", archive).output
    visible = [line.split("\r\x1b[2K")[-1] for line in output.split("\n")]
    lead = next(i for i, line in enumerate(visible) if line.startswith("“The Harbor city council voted 7-2"))
    answer = next(i for i, line in enumerate(visible) if line.startswith("The council capped rents at 4 percent"))
    assert lead < answer, "the quote comes first, the model's checked sentence after it"
    assert output.count("“The Harbor city council voted 7-2") == 1


def test_delete_by_id_and_by_source_asks_first_and_says_when_nothing_matched(fast, fixture_articles, tmp_path):
    archive = str(tmp_path / "a")
    run("ingest", str(fixture_articles), "--archive", archive)
    declined = CliRunner().invoke(cli, ["delete", "fx-4", "--archive", archive], input="n\n")
    assert declined.exit_code == 1 and json.loads(run("stats", "--archive", archive, "--json").output)["articles"] == 7
    accepted = CliRunner().invoke(cli, ["delete", "fx-4", "--archive", archive], input="y\n")
    assert accepted.exit_code == 0 and "deleted 1 article" in accepted.output
    hits = json.loads(run("search", "Northwind jets", "--archive", archive, "--json").output)
    assert "fx-4" not in {h["article"]["article_id"] for h in hits}
    assert "deleted 3 articles" in run("delete", "--source", "harbor herald", "--yes", "--archive", archive).output
    stats = json.loads(run("stats", "--archive", archive, "--json").output)
    assert stats["articles"] == 3 and "Harbor Herald" not in stats["sources"]
    again = CliRunner().invoke(cli, ["delete", "fx-4", "-y", "--archive", archive])
    assert again.exit_code == 1 and "nothing deleted: no such article" in again.output
    neither = CliRunner().invoke(cli, ["delete", "--archive", archive])
    assert neither.exit_code == 2 and "give article ids or --source" in neither.output


def test_timeline_lists_the_story_in_order_and_says_when_the_archive_holds_none(fixture_articles, tmp_path):
    # The real MiniLM embedder: timeline relevance is set for it (the hash vectors of `fast` mean nothing here).
    archive = str(tmp_path / "a")
    run("ingest", str(fixture_articles), "--archive", archive)
    shown = json.loads(run("timeline", "Harbor rent cap", "--archive", archive, "--json").output)
    ids = [e["citation"]["article"]["article_id"] for e in shown["entries"]]
    assert set(ids) == {"fx-1", "fx-2", "fx-7"} and ids == ["fx-1", "fx-2", "fx-7"], ids  # oldest first
    text = run("timeline", "Harbor rent cap", "--archive", archive, "--until", "2024-02-20").output
    assert "2 stories, by day" in text and "2024-02-06 · Harbor Herald" in text
    assert "2024-02-27" not in text
    none = run("timeline", "volcanic eruption in Iceland", "--archive", archive).output
    assert none.startswith("No article is about 'volcanic eruption in Iceland'"), none


def test_the_first_search_on_a_machine_says_it_prepares_the_search_model(monkeypatch, tmp_path):
    # The real MiniLM and an empty model cache: the first search exports the ONNX query encoder, which takes seconds.
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(MiniLMEmbedder, "_query_encoder", None)
    monkeypatch.setattr(MiniLMEmbedder, "_query_encoder_failed", False)
    archive = str(tmp_path / "a")
    missing = run("search", "Russia condemns US strikes", "--archive", archive)
    assert missing.exit_code != 0 and "Preparing" not in missing.stderr, "a missing archive is reported first"
    assert not (tmp_path / "cache").exists()
    assert run("sample", "--archive", archive).exit_code == 0
    first = run("search", "Russia condemns US strikes", "--archive", archive, "--json")
    assert first.stderr.count("Preparing the search model (once per machine)…") == 1
    assert "Search model ready in" in first.stderr
    assert json.loads(first.stdout), "the hits, unmixed with the notice"
    assert list((tmp_path / "cache" / "models").glob("*.onnx"))
    monkeypatch.setattr(MiniLMEmbedder, "_query_encoder", None)  # as a new process on the same machine
    again = run("search", "Russia condemns US strikes", "--archive", archive, "--json")
    assert "Preparing" not in again.stderr and json.loads(again.stdout) == json.loads(first.stdout)


@pytest.mark.parametrize("by_flag", [True, False])
def test_ask_prepares_the_judges_own_model_too(fast, tmp_path, monkeypatch, by_flag):
    class ColdLLM(FakeLLM):
        loaded = False

        def __init__(self, name, replies):
            super().__init__(replies)
            self.name = name

        def warm_up(self) -> float:
            self.loaded = True
            return 1.5

    def make(settings, cache_dir):
        return ColdLLM(settings.model, ["4 percent"] if settings.model == "judge-model" else ["Rents [1]."])

    monkeypatch.setattr("qa.desk.make_llm", make)
    monkeypatch.setattr("qa.answering.judge.make_llm", make)
    flag = ["--judge-model", "judge-model"] if by_flag else []
    if not by_flag:
        monkeypatch.setenv("NEWSDESK_ANSWER__JUDGE", "reread")
        monkeypatch.setenv("NEWSDESK_ANSWER__JUDGE_MODEL", "judge-model")
    archive = str(tmp_path / "a")
    assert run("sample", "--archive", archive).exit_code == 0
    output = run("ask", "What did the council decide about rents?", "--archive", archive, *flag).output
    assert "Preparing the bundled model qwen2.5-coder-0.5b" in output, output
    assert "Preparing the bundled model judge-model" in output
