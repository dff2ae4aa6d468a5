"""Plain questions asked of the dev archive as a new user, each answered wrongly under a supported citation (or
refused though right): the opposite outcome ("Liz Cheney won" from "Liz Cheney has lost"), a win resting on a
sentence that tells of no outcome or only of a bid to win, another event of the same kind (the French Open for the
British), a heading or a past year's winner leading the answer, another weekday, an item of a list taken for a
report, a possessive taken for a new name, and "who is eligible" asked of a kind of people. Since the grammar is read
(spaCy's parse): an organiser beside "this year's winners" or the runner-up beside the winner taken for the winner,
a title naming the question's state taken for reversed roles, and the question's deed given to a name far from its
verb. Then: a past title, a round won on the way and last year's final taken for this year's win, and another
party's deed given to the question's party (Turkey's for NATO's), a count the shown sentence gives otherwise, what a
name did a year ago told as news, and the day a report came out given as the day of its event. Real MiniLM and the
real parser."""

from datetime import datetime, timezone

import pytest
from checking import checked, lead_of

from qa.answering.answer_type import missing_answer_type
from qa.answering.opposites import opposite_deed


def test_the_one_a_passage_says_lost_did_not_win(embedder):
    question = "Who won the Wyoming Republican primary?"
    text = ("Republican Liz Cheney has lost her seat in Congress after voters in Wyoming elected a Trump-backed "
            "candidate, Harriet Hageman, in the primary elections.")
    [wrong] = checked(question, text, "Cheney loses primary", "Liz Cheney won the Wyoming Republican primary [1].",
                      embedder)
    assert not wrong.supported and wrong.reason == "the passage says Cheney lost", wrong.reason
    won = text + " Hageman won the Wyoming Republican primary by a double-digit margin."
    [right] = checked(question, won, "Cheney loses primary", "Harriet Hageman won the Wyoming Republican primary "
                      "[1].", embedder)
    assert right.supported, right.reason


def test_a_win_rests_on_a_sentence_that_tells_who_won(embedder):
    question = "Who won the Wyoming Republican primary?"
    # The story's headline and opening name her, the state and the party; nothing in them says who won.
    text = ("Liz Cheney spent the last year as the most prominent Republican critic of Donald Trump in Congress. "
            "Wyoming voters went to the polls on Tuesday.")
    [wrong] = checked(question, text, "How Liz Cheney became a 'Republican outcast'",
                      "Liz Cheney won the Wyoming Republican primary [1].", embedder)
    assert not wrong.supported and wrong.reason == "the passage does not say who won", wrong.reason
    result = " Harriet Hageman defeated Cheney in the Wyoming Republican primary by 37 points."
    [right] = checked(question, text + result,
                      "How Liz Cheney became a 'Republican outcast'",
                      "Harriet Hageman won the Wyoming Republican primary [1].", embedder)
    assert right.supported, right.reason


@pytest.mark.parametrize(("question", "text", "title", "claim", "reason"), [
    ("Who won the Home Run Derby?",  # a bid to win is no win
     "New York Mets slugger Pete Alonso will try to become the first player to win the All-Star Home Run Derby three "
     "straight times.", "Home Run Derby field", "Pete Alonso won the Home Run Derby [1].",
     "the passage does not say who won"),
    ("Who won the Golden Ball award?",  # an award's organiser is not its winner
     "The Golden Ball is awarded by France Football magazine, which will hold the ceremony in Paris on Monday.",
     "Golden Ball ceremony", "France Football won the Golden Ball award [1].", "the passage does not say who won"),
    ("Who won the Pulitzer Prize for public service?",  # an outcome word beside the organiser names no winner
     "Columbia University, which administers the Pulitzer Prize for public service, announced this year's winners "
     "on Monday.", "Pulitzer Prizes announced", "Columbia University won the Pulitzer Prize for public service [1].",
     "the passage does not say Columbia University won"),
    ("Who won Colombia's presidential election?",  # the reporter beside the one who won
     "Gustavo Petro won Colombia's presidential runoff on Sunday, defeating Rodolfo Hernández, Regina Garcia Cano "
     "wrote from Bogotá.", "Colombia elects a leftist", "Rodolfo Hernández won Colombia's presidential election [1].",
     "the passage says Gustavo Petro won, not Rodolfo Hernández"),
    ("Who won the British Open?",  # another event of the same kind is not the one asked about
     "The Spaniard had battled through foot pain to win his 14th French Open title in June.", "Nadal withdraws",
     "The Spaniard won the British Open [1].", "the passage names French Open, not British Open"),
    ("Who won Wimbledon?",  # a title won in earlier years, asked before this year's final
     "Seven-time Wimbledon champion Serena Williams will make her much-anticipated return to the grass courts of "
     "SW19 when the tournament kicks off later this month.", "Wimbledon preview", "Serena Williams won Wimbledon [1].",
     "the passage tells only of a past title, not that Serena Williams won"),
    ("Who won the Home Run Derby?",  # last year's final round, told with this year's field
     "Alonso hit 74 total home runs in last year's Derby at Denver's Coors Field and beat Baltimore's Trey Mancini "
     "23-22 in the final round.", "Home Run Derby field", "Pete Alonso won the Home Run Derby [1].",
     "the passage tells only of another year's win, not that Pete Alonso won"),
    ("Who won the Home Run Derby?",  # a win the sentence places in an earlier year than its article's
     "Alonso won the 2019 Derby at Cleveland as a rookie when he defeated Vladimir Guerrero Jr.",
     "Home Run Derby field", "Pete Alonso won the Home Run Derby [1].", "the passage tells of an earlier year's win"),
])
def test_a_wrong_winner_is_refused(embedder, question, text, title, claim, reason):
    [wrong] = checked(question, text, title, claim, embedder)
    assert not wrong.supported and wrong.reason == reason, wrong.reason


_JUNE = datetime(2022, 6, 27, tzinfo=timezone.utc)


@pytest.mark.parametrize(("question", "wrong", "right", "title", "published"), [
    ("Who won the Wyoming Republican primary?",  # a new name and no result
     "Former President Donald Trump campaigned in Wyoming for Harriet Hageman in the Republican primary, hoping to "
     "oust Liz Cheney from her seat.",
     "Harriet Hageman won the Wyoming Republican primary on Tuesday, defeating Liz Cheney by 37 points.",
     "Wyoming Republican primary", None),
    ("Who won the Wyoming Republican primary?",  # an outcome given to someone it does not name
     "Republican Liz Cheney has lost her seat in Congress after voters in Wyoming elected a Trump-backed candidate "
     "in the primary elections.",
     "Harriet Hageman won the Wyoming Republican primary on Tuesday, defeating Liz Cheney by 37 points.",
     "Cheney loses primary", None),
    ("Who won the Florida Democratic primary for governor?",  # another state's race
     "New York Rep. Sean Patrick Maloney narrowly prevailed against state Sen. Alessandra Biaggi in the Democratic "
     "primary for US House.",
     "Charlie Crist won the Florida Democratic primary for governor on Tuesday, beating Nikki Fried.",
     "Florida primary results: Crist to face DeSantis", None),
    ("Who won the French Open?",  # a heading
     "The Latest on the French Open Grand Slam tennis tournament (all times local):",
     "Rafael Nadal won his 14th French Open title on Sunday, beating Casper Ruud in the final.",
     "French Open latest", None),
    ("Who won the Pulitzer Prize for public service?",  # the organiser, beside "this year's winners"
     "Columbia University, which administers the Pulitzer Prize for public service, announced this year's winners "
     "on Monday.",
     "The Washington Post won the Pulitzer Prize for public service for its coverage of the January 6 attack.",
     "Pulitzer Prizes announced", None),
    ("Who won the Stanley Cup?",  # a past year's winner
     "The Tampa Bay Lightning won the last two Stanley Cups in 2020 and 2021.",
     "The Colorado Avalanche won their first Stanley Cup since 2001 on Sunday, beating Tampa Bay in Game 6.",
     "Stanley Cup Final", _JUNE),
    ("Who won the French Open?",  # a round won on the way, beside a past champion
     "Alizé Cornet beat 2017 champion Jelena Ostapenko 6-0, 1-6, 6-3 to advance to the third round at the French "
     "Open.",
     "Rafael Nadal won his 14th French Open title on Sunday, beating Casper Ruud in the final.",
     "French Open latest", None),
])
def test_a_quote_that_does_not_tell_who_won_does_not_lead(embedder, question, wrong, right, title, published):
    assert lead_of(question, wrong, title, embedder, published) is None
    lead = lead_of(question, f"{wrong}\n\n{right}", title, embedder, published)
    assert lead is not None and lead.sentence.text == right


def test_the_women_s_final_does_not_answer_for_the_men_s(embedder):
    question = "Who won the Wimbledon men's singles title?"
    text = ("The 23-year-old Rybakina won her first major title at Wimbledon on Saturday, in only her second "
            "appearance at the All England Club.")
    assert lead_of(question, text, "Wimbledon: day 13", embedder) is None
    [wrong] = checked(question, text, "Wimbledon: day 13", "Rybakina won the Wimbledon men's singles title [1].",
                      embedder)
    assert not wrong.supported and wrong.reason == "the passage tells of the women's event", wrong.reason
    [right] = checked("Who won the Wimbledon women's title?", text, "Wimbledon: day 13",
                      "Elena Rybakina won the Wimbledon women's title [1].", embedder)
    assert right.supported, right.reason


@pytest.mark.parametrize(("claim", "sentence", "opposite"), [
    ("Hageman won the primary.", "Liz Cheney lost to Harriet Hageman.", False),  # who lost is not who won
    ("Cheney lost the primary.", "Cheney lost her seat as Hageman won.", False),
    ("Gas prices fell in July.", "Gas prices rose in July.", True),
    ("Gas prices fell in July.", "Gas prices fell in July after they rose in June.", False),
    ("Stocks rose on Friday.", "The index climbed 2% on Friday.", False),  # the same direction in other words
])
def test_opposite_deeds(claim, sentence, opposite):
    assert (opposite_deed(claim, sentence) is not None) == opposite


def test_a_weekday_the_passage_does_not_give_is_unsupported(embedder):
    question = "What did the Supreme Court decide in Dobbs?"
    text = ("The Supreme Court overturned Roe v. Wade on Friday, holding that there is no longer a federal "
            "constitutional right to an abortion.")
    [wrong] = checked(question, text, "Roe overturned", "The Supreme Court decided in Dobbs on Thursday that there "
                      "is no longer a federal constitutional right to an abortion [1].", embedder)
    assert not wrong.supported and "Thursday" in (wrong.reason or ""), wrong.reason
    [right] = checked(question, text, "Roe overturned", "The Supreme Court decided on Friday that there is no "
                      "longer a federal constitutional right to an abortion [1].", embedder)
    assert right.supported, right.reason


def test_an_item_of_a_list_supports_nothing(embedder):
    # Asked on 8 July, before any successor was chosen: the candidates were listed one per line.
    question = "Who replaced Boris Johnson?"
    text = ("Several people have emerged as possible successors to Johnson.\n\nBritain's former Chancellor Rishi "
            "Sunak.\n\nForeign Secretary Liz Truss.")
    [wrong] = checked(question, text, "Who could replace Boris Johnson?", "The former Chancellor Rishi Sunak "
                      "replaced Boris Johnson [1].", embedder)
    assert not wrong.supported, "a list item says nothing of what Sunak did"


def test_the_questions_own_name_in_the_possessive_is_not_a_new_one(embedder):
    question = "Who became Sri Lanka's new president?"
    text = ("Sri Lanka's parliament elected Ranil Wickremesinghe as the country's new president on Wednesday. The new "
            "president of Sri Lanka is Ranil Wickremesinghe, a six-time prime minister.")
    [right] = checked(question, text, "Sri Lanka elects a president", "The new president of Sri Lanka is Ranil "
                      "Wickremesinghe [1].", embedder)
    assert right.supported, right.reason


def test_who_is_eligible_asks_for_a_kind_of_people_not_a_name():
    claim = "Eligible borrowers are those with an annual income of less than $125,000 [1]."
    assert missing_answer_type("Who is eligible for student loan forgiveness?", claim) is None
    assert missing_answer_type("Who won the primary?", "Eligible voters turned out [1].") is not None


def test_a_title_naming_the_question_s_state_does_not_reverse_the_roles(embedder):
    # The question's "Florida" comes first, in Crist's title; the grammar tells that Crist is the one who beat Fried.
    question = "Who won the Florida Democratic primary for governor?"
    text = ("Florida Rep. Charlie Crist beat Agriculture Commissioner Nikki Fried in the state's Democratic primary "
            "for governor on Tuesday.")
    [right] = checked(question, text, "Florida primary results", "Florida Rep. Charlie Crist beat Nikki Fried in "
                      "the Democratic primary for governor [1].", embedder)
    assert right.supported, right.reason
    [wrong] = checked("Who could replace Boris Johnson?", "Boris Johnson could replace Jeremy Hunt as leader.",
                      "Tory leadership", "Boris Johnson could replace Jeremy Hunt [1].", embedder)
    assert not wrong.supported and "other way round" in (wrong.reason or ""), wrong.reason


@pytest.mark.parametrize(("question", "text", "wrong", "right"), [
    # The deed the question asks who did, given by the grammar to another name however far the verb is from it.
    ("Which island nation plunged into chaos this week, prompting its leader to flee?",
     "Sri Lanka, whose president fled to Singapore on Wednesday after months of protests, plunged into chaos.",
     "The island nation that plunged into chaos this week is Singapore [1].",
     "The island nation that plunged into chaos this week is Sri Lanka [1]."),
    ("Which carmaker recalled 23,000 cars this week?",
     "Ferrari, whose rival Lamborghini sold a record 5,000 cars last year, recalled 23,000 cars on Thursday over a "
     "brake fault.",
     "The carmaker that recalled 23,000 cars this week is Lamborghini [1].",
     "The carmaker that recalled 23,000 cars this week is Ferrari [1]."),
])
def test_the_deed_asked_about_belongs_to_its_subject(embedder, question, text, wrong, right):
    [refused] = checked(question, text, "This week", wrong, embedder)
    assert not refused.supported and "passage says this of" in (refused.reason or ""), refused.reason
    [kept] = checked(question, text, "This week", right, embedder)
    assert kept.supported, kept.reason


def test_who_acts_is_read_from_the_main_clause(embedder):
    # Passive: the one "by" whom it was done acts, though the question's state and party come first.
    question = "Who won the New York Democratic primary in the 10th district?"
    text = ("Democratic Rep. Mondaire Jones was ousted by former federal prosecutor Daniel Goldman in the Tuesday "
            "primary for New York's 10th Congressional District.")
    lead = lead_of(question, text, "New York primary results", embedder)
    assert lead is not None and lead.sentence.text == text
    # A description beside the question's own party acts on no one: the sentence still names no killer.
    text = ("Shinzo Abe, Japan's longest-serving prime minister, died at the age of 67 on Friday after being shot "
            "during a campaign speech in western Japan.")
    assert lead_of("Who killed Shinzo Abe?", text, "Shinzo Abe dies", embedder) is None


@pytest.mark.parametrize("claim", [
    "Wyoming voters elected Harriet Hageman in the Republican primary [1].",  # the question's state acts, she won
    "Wyoming Republicans chose Harriet Hageman over Liz Cheney [1].",
])
def test_the_one_chosen_won_whoever_chose(embedder, claim):
    text = ("Wyoming Republicans chose Harriet Hageman over Liz Cheney on Tuesday: voters in Wyoming elected "
            "Harriet Hageman in the Republican primary by 37 points.")
    [right] = checked("Who won the Wyoming Republican primary?", text, "Cheney loses primary", claim, embedder)
    assert right.supported, right.reason


def test_a_deed_the_passage_gives_to_another_party_is_refused(embedder):
    question = "What did NATO agree at its Madrid summit?"
    text = ("Leaders gathered in Madrid on Tuesday. Turkey agreed on Tuesday to drop its objections to their "
            "membership bids, removing a major hurdle to them joining NATO.")
    [wrong] = checked(question, text, "Turkey lifts its veto", "NATO agreed at its Madrid summit to drop its "
                      "objections to their membership bids [1].", embedder)
    assert not wrong.supported and wrong.reason == "the passage says this of Turkey, not of NATO", wrong.reason
    [right] = checked(question, text, "Turkey lifts its veto", "Turkey agreed to drop its objections to their "
                      "membership bids [1].", embedder)
    assert right.supported, right.reason
    # A short form names the same party: the Fed is the Federal Reserve.
    [short] = checked("How much did the Fed raise rates in June?", "The Federal Reserve raised its key short-term "
                      "rate by 0.75% on Wednesday.", "Fed raises rates", "The Fed raised its key short-term rate by "
                      "0.75% [1].", embedder)
    assert short.supported, short.reason


def test_a_count_the_supporting_sentence_gives_otherwise_is_refused(embedder):
    # The "5" is in a neighbouring sentence, where the number check finds it; the sentence shown counts six.
    question = "How many people died in the Highland Park shooting?"
    text = ("A gunman killed at least six people and injured dozens of others in a shooting in Highland Park, "
            "Illinois, during a July Fourth parade. Police said he fired from a rooftop about 5 blocks away.")
    [wrong] = checked(question, text, "Highland Park parade shooting", "5 people died in the Highland Park shooting "
                      "[1].", embedder)
    assert not wrong.supported and wrong.reason == "the passage counts six people, not 5", wrong.reason
    [right] = checked(question, text, "Highland Park parade shooting", "At least six people died in the Highland Park "
                      "shooting [1].", embedder)
    assert right.supported, right.reason


def test_what_a_name_did_a_year_ago_is_not_this_week_s_news(embedder):
    question = "Who will play in the US Open final?"
    text = ("Bencic, Svitolina and Andreescu reached the final four at the U.S. Open a year ago; the fourth "
            "semifinalist, Serena Williams, has said she plans to play when the tournament begins Aug. 31.")
    [wrong] = checked(question, text, "US Open field", "Belinda Bencic will play in the US Open final [1].", embedder)
    assert not wrong.supported and wrong.reason == "the passage tells what Bencic did a year or more ago", wrong.reason
    [kept] = checked(question, text, "US Open field", "Belinda Bencic reached the final four at the US Open a year "
                     "ago [1].", embedder)
    assert kept.supported, kept.reason


def test_the_day_a_report_came_out_is_not_the_day_of_the_event(embedder):
    # checked() dates the passage 20 July 2022, a Wednesday; the header shows that date, so its numbers are "there".
    question = "When did Liz Cheney lose her primary?"
    text = "Republican Liz Cheney lost her primary in Wyoming on Tuesday to Harriet Hageman, a Trump-backed lawyer."
    [wrong] = checked(question, text, "Cheney loses", "Liz Cheney lost her primary on July 20, 2022 [1].", embedder)
    assert not wrong.supported, wrong.reason
    assert wrong.reason == "the passage does not say it was on July 20, the day it was published", wrong.reason
    [right] = checked(question, text.replace("on Tuesday", "on Wednesday"), "Cheney loses",
                      "Liz Cheney lost her primary on July 20, 2022 [1].", embedder)
    assert right.supported, right.reason
