"""The Markdown report, to paste into a brief: the scorecard, the quotes that echo, then the transcript."""

from __future__ import annotations

import re

from uprwatch.bot.alert_format import CAVEAT_PLAIN, ROLES, stream_offset
from uprwatch.bot.reports.model import Echo, SessionReport

# Backslash-escape what Markdown would read as markup (and `<`, so a transcript's "<script>" stays text).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: str) -> str:
    """Text as literal Markdown on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _by(echo: Echo) -> str:
    return ", ".join(f"{md(who)} {stream_offset(at)}" for who, at in echo.by) or "—"


def render_markdown(r: SessionReport) -> str:
    """The report as Markdown."""
    out = [f"# {md(r.title)} — review of {md(r.state_under_review)}", ""]
    when = f"{r.opened:%d %B %Y, %H:%M}" if r.opened else "nothing heard yet"
    until = (f"–{r.closed:%H:%M}" if r.closed else "") if r.ended else " (in progress: up to the last event recorded)"
    out += [f"Session `{r.session}` · {when}{until} · source {md(r.shown_source)}", ""]
    out += [f"> Every quote is a {CAVEAT_PLAIN}, at the stream time given.", ""]
    out.append(
        f"Coverage: {r.coverage * 100:.1f} % of {stream_offset(r.span)} heard; {len(r.gaps)} gaps "
        f"({stream_offset(r.lost)} lost). {len(r.turns)} turns, {len(r.utterances)} utterances, "
        f"{len(r.matches)} matches."
    )
    out += [f"- no audio {stream_offset(g.start)}–{stream_offset(g.end)}: {md(g.reason)}" for g in r.gaps]

    out += ["", f"## Prior recommendations echoed ({len(r.recommendations)})", ""]
    if r.recommendations:
        out.append(f"| Rec. | Year | Recommended by | {md(r.state_under_review)} | Echoed by | Text |")
        out.append("|---|---|---|---|---|---|")
        out += [
            f"| {md(e.ref)} | {e.year or ''} | {md(', '.join(e.recommending_states))} | {md(e.position or '—')} "
            f"| {_by(e)} | {md(e.item_text or '')} |"
            for e in r.recommendations
        ]
    out += ["", f"## Advance questions ({len(r.questions)})", ""]
    for q in r.questions:
        answered = f"answered at {stream_offset(q.answered_at)}" if q.answered_at is not None else "not answered"
        out.append(
            f"- **{md(q.ref)}** ({md(', '.join(q.recommending_states))}): {md(q.item_text or '')} — raised by "
            f"{_by(q)}; {answered}"
        )
    out += ["", f"## Who spoke ({len(r.speakers)})", "", "| Speaker | Role | Turns | Minutes |", "|---|---|---|---|"]
    out += [f"| {md(s.name)} | {ROLES[s.role]} | {s.turns} | {s.seconds / 60:.1f} |" for s in r.speakers]
    if r.themes:
        out += ["", "## Top themes", ""] + [f"{n}. {md(t)} ({c})" for n, (t, c) in enumerate(r.themes, start=1)]

    out += ["", "## Quotes that echo", ""]
    for u, m in r.matches:
        what = m.describe(u.speaker, u.role == "state_under_review")
        out.append(
            f"- **{md(u.speaker)}**{' (unconfirmed)' if u.unconfirmed else ''}, {u.wall:%H:%M:%S} "
            f"(stream {stream_offset(m.start)}): “{md(m.quote.strip())}” — {md(what)}"
        )
    out += ["", "## Transcript", ""]
    for t in r.turns:
        out += [f"### {md(t.speaker)} ({ROLES[t.role]}) · {t.wall:%H:%M:%S} · stream {stream_offset(t.start)}", ""]
        out += [f"**{u.wall:%H:%M:%S}** {md(u.text)}  " for u in t.utterances]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
