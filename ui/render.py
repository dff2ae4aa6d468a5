"""How the command line shows passages and answers."""

from __future__ import annotations

from qa import Answer, Hit, Timeline


def render_hit(hit: Hit) -> str:
    """A passage as the CLI shows it."""
    ref = hit.article
    kind = " (headline only)" if ref.headline_only else ""
    head = f"{hit.rank}. {ref.source or 'unknown'} · {ref.date} · {ref.title or '(untitled)'}{kind}  [{hit.score:.3f}]"
    body = " ".join(hit.text.split())
    return f"{head}\n   {body[:400]}{'…' if len(body) > 400 else ''}\n   {ref.url or ref.article_id}"


def render_answer(answer: Answer, *, lead_shown: bool = False) -> str:
    """An answer with its numbered sources, as the CLI shows it; ``lead_shown`` leaves out the quoted lead, already
    printed while the model wrote."""
    text = answer.text
    if lead_shown and answer.lead is not None and text.startswith(answer.lead.text):
        text = text[len(answer.lead.text):].strip()
    lines = [text] if text else []
    dropped = answer.unsupported
    if dropped and not answer.abstained:
        lines.append("\nLeft out (each with the reason):")
        lines.extend(f"  - {s.text} ({s.reason})" for s in dropped)
    if answer.rewritten_question:
        lines.insert(0, f"(searched for: {answer.rewritten_question})")
    if answer.abstained:
        lines.append(f"\n({answer.reason})")
        if answer.hits:
            lines.append("Closest passages found:")
            lines.extend(
                f"  - {h.article.source or 'unknown'}, {h.article.date}: {h.article.title or h.text[:80]}"
                for h in answer.hits[:3]
            )
    if answer.citations:
        lines.append("\nSources:")
        for c in answer.citations:
            ref = c.article
            lines.append(
                f"  [{c.marker}] {ref.source or 'unknown'}, {ref.date}: {ref.title or '(untitled)'}"
                + (f"\n      {ref.url}" if ref.url else "")
            )
    return "\n".join(lines)


def render_timeline(timeline: Timeline) -> str:
    """A timeline as the terminal shows it: a bar per period, then the dated key sentences."""
    top = max((b.articles for b in timeline.buckets), default=0) or 1
    lines = [f"{timeline.articles} stories, by {timeline.bucket} (wire copies counted once):"]
    lines += [f"  {b.label:10} {'█' * round(20 * b.articles / top):<20} {b.articles}" for b in timeline.buckets]
    lines.append("")
    for entry in timeline.entries:
        who = f"{entry.speaker}: " if entry.speaker else ""
        lines.append(f"[{entry.citation.marker}] {entry.date} · {entry.article.source or 'unknown'} · "
                     f"{entry.article.title or '(untitled)'}\n    {who}“{entry.text}”")
    if timeline.capped:
        lines.append("(the search was full: more stories may match; narrow --since/--until)")
    return "\n".join(lines)
