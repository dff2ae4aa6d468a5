"""The Timeline tab's handler over the real fixture archive: the chart's rows, the summary line and the dated key
sentences in order, each cited; a speaker's statements; readable notes for blank input, no match and errors."""

from __future__ import annotations

import re

from ui.tabs.timeline import build, chart_frame, timeline_view


def test_chart_summary_and_sentences_in_order(fixture_desk):
    frame, line, listed = timeline_view(fixture_desk, "rent cap", as_of="2024-12-31")
    assert frame.columns.tolist() == ["period", "articles"] and frame.attrs["bucket"] == "day"
    assert (frame["period"].iloc[0], frame["period"].iloc[-1], len(frame)) == ("2024-02-06", "2024-02-27", 22)
    assert frame["articles"].sum() == 3 and frame.loc[frame["period"] == "2024-02-16", "articles"].item() == 1
    assert line.startswith("3 stories about “rent cap”, 2024-02-06 to 2024-02-27, by day")
    dates = re.findall(r'data-date="([\d-]+)"', listed)
    assert dates == ["2024-02-06", "2024-02-16", "2024-02-27"], "oldest first, one per story"
    assert [int(n) for n in re.findall(r'class="nd-n">\[(\d+)\]', listed)] == [1, 2, 3]
    first = listed.split('class="nd-entry"')[1]
    assert '<div class="nd-when">2024-02-06' in first and '<span class="nd-source">Harbor Herald</span>' in first
    assert 'href="https://harborherald.example/2024/02/06/rent-cap"' in first
    assert ">Harbor city council caps rents</a>" in first
    assert "“The Harbor city council voted 7-2 on Tuesday to cap annual rent increases at 4 percent.”" in first


def test_as_of_limits_chart_and_list(fixture_desk):
    frame, line, listed = timeline_view(fixture_desk, "rent cap", as_of="2024-02-20")
    assert frame["period"].iloc[-1] == "2024-02-16" and frame["articles"].sum() == 2
    assert "2024-02-27" not in listed and line.startswith("2 stories")


def test_a_speakers_statements_are_attributed(fixture_desk):
    frame, line, listed = timeline_view(fixture_desk, "rent cap", speaker="Lena Ortiz", as_of="2024-12-31")
    assert line.startswith("1 story with a statement by Lena Ortiz on “rent cap”")
    assert '<span class="nd-who">Mayor Lena Ortiz:</span> “Mayor Lena Ortiz said the cap would take effect' in listed
    assert listed.count('class="nd-entry"') == 1 and frame["articles"].sum() == 1


def test_blank_no_match_and_errors_are_readable(fixture_desk):
    frame, line, listed = timeline_view(fixture_desk, " ", speaker="")
    assert frame.empty and line == "" and "Type a topic" in listed
    frame, line, listed = timeline_view(fixture_desk, "volcano eruption", as_of="2024-12-31")
    assert frame.empty and line == "No article in the archive (up to 2024-12-31) is about “volcano eruption”."
    assert "Try other words" in listed
    frame, line, listed = timeline_view(fixture_desk, "rent cap", until="someday")
    assert frame.empty and 'class="nd-error"' in listed and "until: &#x27;someday&#x27; is not a date" in listed
    assert "Traceback" not in listed


def test_the_tab_builds_with_a_chart(fixture_desk):
    import gradio as gr

    assert chart_frame(None).empty
    with gr.Blocks() as app, gr.Tab("Timeline"):
        build(fixture_desk)
    kinds = {block.elem_id: type(block).__name__ for block in app.blocks.values() if block.elem_id}
    assert kinds["timeline-chart"] == "BarPlot" and kinds["timeline-entries"] == "HTML"
    assert {"timeline-topic", "timeline-speaker", "timeline-since", "timeline-until", "timeline-as-of"} <= set(kinds)
