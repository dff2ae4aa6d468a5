"""The shared text rules: sentences and abbreviations, offsets, stop words, [n] markers."""

import pytest

from index.text import (
    ABBREVIATIONS,
    STOPWORDS,
    TITLES,
    content_words,
    leading_markers,
    markers_in,
    split_answer,
    split_sentences,
    strip_markers,
)


def texts(text: str, **kwargs) -> list[str]:
    return [s.text for s in split_sentences(text, **kwargs)]


@pytest.mark.parametrize(
    "phrase",
    [
        "Lt. Uhura", "Gen. Milley", "Gov. Newsom", "Sen. Warren", "Rep. Cheney", "Mr. Smith", "Mrs. Jones", "Ms. Lee",
        "Dr. Fauci", "St. Louis", "Prof. Hawking", "Col. Gaddafi", "Capt. Kirk", "Sgt. Pepper", "Lt. Col. Vindman",
        "Martin Luther King Jr. Day", "Ken Griffey Sr. Stadium", "the U.S. Senate", "the U.K. Parliament",
        "the U.N. Security Council", "Downing St. No. 10", "Acme Inc. Chief Executive Jane Roe", "Acme Corp. Chairman",
        "Ford Motor Co. Chairman", "Acme Ltd. Shares", "Smith vs. Jones", "e.g. Germany", "i.e. France",
        "9 a.m. Eastern time", "5 p.m. Monday", "Jan. 6", "Feb. 24", "Mar. 3", "Apr. 1", "Aug. 15", "Sept. 11",
        "Sep. 30", "Oct. 7", "Nov. 8", "Dec. 25", "J. K. Rowling", "George W. Bush", "J. A. Smith",
        "Roe v. Wade", "the Rev. Martin Luther King Jr. Center", "Warner Bros. Discovery",
    ],
)
def test_abbreviations_inside_a_sentence_do_not_end_it(phrase):
    text = f"Officials met {phrase} on Monday. Talks went on."
    assert texts(text) == [f"Officials met {phrase} on Monday.", "Talks went on."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He met Lt. Col. Smith. Then he left.", ["He met Lt. Col. Smith.", "Then he left."]),
        ("The U.S. Senate voted. It passed.", ["The U.S. Senate voted.", "It passed."]),
        ("Sales rose in the U.S. The rest fell.", ["Sales rose in the U.S.", "The rest fell."]),
        ("He works for Acme Inc. He joined in 2019.", ["He works for Acme Inc.", "He joined in 2019."]),
        ("They met at 9 a.m. The talks lasted an hour.", ["They met at 9 a.m.", "The talks lasted an hour."]),
        ("It began after World War I. Then came peace.", ["It began after World War I.", "Then came peace."]),
        ("Rents rose 5%. 2023 was worse.", ["Rents rose 5%.", "2023 was worse."]),
        ("Cases rose, driven by BA.5. Shanghai locked down.", ["Cases rose, driven by BA.5.", "Shanghai locked down."]),
        ("Phones, laptops, etc. Well, that is all.", ["Phones, laptops, etc.", "Well, that is all."]),
        ('"We are worried." Mr. Lee left.', ['"We are worried."', "Mr. Lee left."]),
        ("Is it over? Nobody knows! Wait.", ["Is it over?", "Nobody knows!", "Wait."]),
        ("He moved to the U.S. [2] Then he left.", ["He moved to the U.S.", "[2] Then he left."]),
    ],
)
def test_real_sentence_ends_after_abbreviations_split(text, expected):
    assert texts(text) == expected


def test_a_month_abbreviation_before_a_sentence_starter_ends_the_sentence():
    # Ambiguous by nature: "Jan." before "The" is read as the end (a month inside a sentence is followed by a day);
    # before a capitalised word that does not start sentences it is read as part of the sentence.
    assert texts("The season ended in Jan. The next one starts in May.") == [
        "The season ended in Jan.", "The next one starts in May.",
    ]
    assert texts("Prices in Jan. Officials said were high.") == ["Prices in Jan. Officials said were high."]


def test_lowercase_words_and_titles_never_start_a_new_sentence():
    assert texts("He said no. then left.") == ["He said no. then left."]
    assert texts("She thanked Gen. The Hague's court.") == ["She thanked Gen. The Hague's court."]


def test_blank_lines_end_sentences_and_single_newlines_do_not():
    text = "Harbor caps rents\n\nThe council voted\non Tuesday. Landlords objected."
    assert texts(text) == ["Harbor caps rents", "The council voted\non Tuesday.", "Landlords objected."]


@pytest.mark.parametrize(("text", "expected"), [
    # Dev: a scraped page ran two paragraphs together, and the quote leading an answer read "… to Crimo.Lake County …".
    ("It helped lead investigators to Crimo.Lake County Coroner Jennifer Banek said five were adults.",
     ["It helped lead investigators to Crimo.", "Lake County Coroner Jennifer Banek said five were adults."]),
    ("Visits were limited to 50 customers at any one time.The union estimated more.",
     ["Visits were limited to 50 customers at any one time.", "The union estimated more."]),
    # Web addresses and abbreviations keep their full stops.
    ("Please visit www.Coronavirus.gov for more.", ["Please visit www.Coronavirus.gov for more."]),
    ("VisitMusicCity.Com offers a peek.", ["VisitMusicCity.Com offers a peek."]),
    ("On Monday, Gov.Michelle Lujan Grisham signed it.", ["On Monday, Gov.Michelle Lujan Grisham signed it."]),
    ("Two deaths, per the state's coronavirus.Iowa.gov website.", ["Two deaths, per the state's coronavirus.Iowa.gov "
                                                                   "website."]),
])
def test_a_sentence_run_into_the_next_without_a_space_ends_at_its_full_stop(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "  WASHINGTON (Reuters) - The U.S. Senate voted 52-48.  Mr. Lee said so.\n\n  New paragraph here.  ",
        "Nichelle Nichols portrayed Lt. Uhura. She died in 2022.\nIt was \u201cquiet.\u201d The end",
        "It led to Crimo.Lake County said so.Then it ended.",
        "",
        "   ",
    ],
)
def test_offsets_map_back_into_the_text(text):
    for offset in (0, 250):
        sentences = split_sentences(text, offset)
        assert all(text[s.start - offset : s.end - offset] == s.text for s in sentences)
        assert all(s.text == s.text.strip() and s.text for s in sentences)
        assert [s.start for s in sentences] == sorted(s.start for s in sentences)


def test_quotations_can_be_kept_whole():
    text = '"It is illegal. It must stop," he said. Oil rose.'
    assert texts(text) == ['"It is illegal.', 'It must stop," he said.', "Oil rose."]
    assert texts(text, keep_quotations=True) == ['"It is illegal. It must stop," he said.', "Oil rose."]
    assert texts("\u201cOne. Two.\n\nThree.\u201d", keep_quotations=True) == ["\u201cOne. Two.", "Three.\u201d"]


def test_abbreviation_lists():
    assert {"Lt", "Gen", "Gov", "Sen", "Rep", "Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Col", "Capt", "Sgt"} <= TITLES
    assert {"Jr", "Sr", "No", "Inc", "Corp", "Co", "Ltd", "vs", "Sept", "Sep"} <= ABBREVIATIONS
    assert TITLES <= ABBREVIATIONS


def test_stopwords_cover_every_list_they_replace():
    retrieval = ("a an and are as at be been but by did do does for from had has have how in is it its not of on or "
                 "that the their this to was were what when where which who whom why will with these those about "
                 "after before s").split()
    evidence = ("done may might must whose said says say also into over under up out more most some any all each "
                "other such only very just").split()
    judge = "above according again against am because below between both here own same so too until while".split()
    assert set(retrieval + evidence + judge) <= STOPWORDS


def test_content_words():
    assert content_words("The U.S. Senate said it passed the bill's text [1].") == {"senate", "passed", "bill's",
                                                                                      "text"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("A [1].", [1]), ("A [1, 2].", [1, 2]), ("A [1][2].", [1, 2]), ("A [2] [1,3] [2].", [2, 1, 3]), ("A.", [])],
)
def test_markers_parse(text, expected):
    assert markers_in(text) == expected


def test_marker_helpers():
    assert strip_markers("A rose [1][2]. B [1, 3] fell.") == "A rose. B fell."
    assert leading_markers(" [1][2] Then.") == ("[1][2]", "Then.")
    assert leading_markers("Then [1].") == ("", "Then [1].")


def test_split_answer_keeps_markers_with_their_sentence():
    assert split_answer("Nichelle Nichols portrayed Lt. Uhura [3].") == ["Nichelle Nichols portrayed Lt. Uhura [3]."]
    assert split_answer("Prices rose. [1] Sales fell [2]. [3]") == ["Prices rose. [1]", "Sales fell [2]. [3]"]
    assert split_answer("[1]. Oil rose.") == ["[1].", "Oil rose."], "nothing before the markers to join"
    assert split_answer("") == []
