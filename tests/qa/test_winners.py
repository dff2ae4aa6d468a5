"""Whom a sentence gives each outcome to, read from its grammar by the real spaCy pipeline; and the pipeline's own
checks (its package present, its files unchanged)."""

import pytest

from index.errors import ModelError
from qa.answering import grammar
from qa.answering.winners import outcomes, winner_not_given


@pytest.mark.parametrize(("sentence", "doers"), [
    ("Left-wing candidate Gustavo Petro won the Colombian presidential race on Sunday.", ["Gustavo Petro"]),
    ("Petro, who won the runoff, thanked his supporters.", ["Petro"]),  # a relative pronoun stands for its noun
    ("The race was won by Gustavo Petro.", ["Gustavo Petro"]),
    ("Liz Cheney lost to Harriet Hageman.", ["Harriet Hageman"]),  # the one lost to won
    ("Voters in Wyoming elected Harriet Hageman on Tuesday.", ["Harriet Hageman"]),
    ("Voters elected a Trump-backed candidate, Harriet Hageman, on Tuesday.", ["Harriet Hageman"]),  # apposition
    ("Kenyan Deputy President William Ruto was declared the winner on Monday.", ["Ruto"]),
    ("The winner, Gustavo Petro, thanked his supporters.", ["Gustavo Petro"]),
    ("The Golden State Warriors are the NBA champions.", ["Golden State Warriors"]),  # not "NBA": the contest
    ("The vote was a victory for Petro.", ["Petro"]),
    ("Carlos Alcaraz claimed the US Open title on Sunday.", ["Carlos Alcaraz"]),
    # The subject of the clause a deed hangs on: Crist did the fending off.
    ("Charlie Crist will face Ron DeSantis after fending off Nikki Fried in the primary.", ["Charlie Crist"]),
    ("Lionesses captain Leah Williamson beat Germany 2-1 to win Euro 2022.", ["Leah Williamson"]),
])
def test_an_outcome_is_given_to_its_doer(sentence, doers):
    given = [" ".join(o.doer) for o in outcomes(sentence) if o.doer]
    assert given and all(any(d in doer for d in doers) for doer in given), given


@pytest.mark.parametrize("sentence", [
    "Alonso will try to become the first player to win three straight Derbies.",  # a bid
    "Nadal won't play at the US Open.",
    "Petro could win the runoff, polls suggest.",
    "Alonso hopes to win the Derby again.",
    "Columbia University claimed that the prizes were fairly judged.",  # "claimed" without a prize
])
def test_what_may_happen_or_did_not_is_no_outcome(sentence):
    assert not [o for o in outcomes(sentence) if o.doer], outcomes(sentence)


@pytest.mark.parametrize(("sentence", "other"), [
    ("Seven-time Wimbledon champion Serena Williams will make her return.", "a past title"),
    ("2017 champion Jelena Ostapenko was knocked out in Paris.", "a past title"),
    ("Former champion Andy Murray was knocked out on Tuesday.", "a past title"),
    ("Defending champion Novak Djokovic beat Jannik Sinner to reach the semifinals.", "a round won on the way"),
    ("Alonso hit 74 home runs in last year's Derby and beat Trey Mancini in the final round.", "another year's win"),
    ("The Lightning won the title last season.", "another year's win"),
])
def test_a_past_title_a_round_or_another_year_is_not_this_contest_s_outcome(sentence, other):
    assert not [o for o in outcomes(sentence) if o.doer], outcomes(sentence)
    assert other in {o.other for o in outcomes(sentence, every=True)}


def test_a_champion_s_title_leaves_today_s_win_told():
    told = outcomes("Defending champion Novak Djokovic beat Nick Kyrgios in the final to win his seventh Wimbledon "
                    "title.")
    assert told and {o.name for o in told} == {"Novak Djokovic"} and not any(o.other for o in told), told


def test_winners_beside_no_name_give_the_outcome_to_no_one():
    [told] = outcomes("Columbia University, which administers the prizes, announced this year's winners on Monday.")
    assert told.noun and told.doer == ()


@pytest.mark.parametrize(("claim", "sentence"), [
    ("The show won best musical [1].", "The show also won best musical."),  # who the show is, the context tells
    ("Elena Rybakina won the women's title [1].", "She won her first major title on Saturday."),
    ("Charlie Crist won the primary [1].", "Charlie Crist will face Ron DeSantis after fending off Nikki Fried."),
    ("Harriet Hageman won the primary [1].", "Voters elected a Trump-backed candidate, Harriet Hageman, on Tuesday."),
])
def test_a_winner_the_sentence_does_not_contradict_is_not_refused(claim, sentence):
    assert winner_not_given(claim, sentence, "Who won the primary?") is None


def test_a_missing_grammar_model_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(grammar, "_PACKAGE", "no_such_grammar_package")
    with pytest.raises(ModelError, match="not installed; run: pip install"):
        grammar._load()


def test_a_changed_grammar_model_fails_its_checksum(monkeypatch, tmp_path):
    # The check hashes the installed files: a different recorded digest stands for a changed file.
    monkeypatch.setattr(grammar, "_SHA256", grammar.folder_sha256(tmp_path))
    with pytest.raises(ModelError, match="fails its sha256 check; run: pip install"):
        grammar._load()


def test_the_folder_digest_covers_names_and_contents(tmp_path):
    (tmp_path / "a").write_bytes(b"weights")
    first = grammar.folder_sha256(tmp_path)
    (tmp_path / "a").write_bytes(b"weighty")
    second = grammar.folder_sha256(tmp_path)
    (tmp_path / "a").rename(tmp_path / "b")
    assert len({first, second, grammar.folder_sha256(tmp_path)}) == 3


def test_the_refusal_names_the_winner_the_sentence_gives():
    sentence = "Voters in Wyoming elected a Trump-backed candidate, Harriet Hageman, on Tuesday."
    reason = winner_not_given("Liz Cheney won the primary [1].", sentence, "Who won the primary?")
    assert reason == "the passage says Harriet Hageman won, not Liz Cheney"
