"""SRT and WebVTT captions on stream time, each naming its speaker, to review the video with them."""

from __future__ import annotations

from html import escape

from uprwatch.bot.reports.model import ReportUtterance, SessionReport

CUE_CHARS = 84  # two caption lines of 42 characters, the usual broadcast limit
Cue = tuple[float, float, ReportUtterance | None, str]  # start, end, who said it (None: a gap), words


def _stamp(seconds: float, separator: str) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{separator}{ms % 1000:03d}"


def _split(u: ReportUtterance) -> list[Cue]:
    """An utterance cut into caption-sized cues, each given a share of its time in proportion to its length."""
    pieces, line = [], ""
    for word in u.text.split():
        if line and len(line) + 1 + len(word) > CUE_CHARS:
            pieces.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        pieces.append(line)
    total = sum(len(p) for p in pieces) or 1
    cues: list[Cue] = []
    at = u.start
    for piece in pieces:
        end = at + (u.end - u.start) * len(piece) / total
        cues.append((at, end, u, piece))
        at = end
    return cues


def _cues(r: SessionReport) -> list[Cue]:
    """Every cue in stream-time order: the utterances' and the gaps'. A cue lasts at least a millisecond, and its
    text never holds the cue-timing arrow or a tag opening (players read "<i>" in SRT too)."""
    cues = [cue for u in r.utterances for cue in _split(u)]
    cues += [(g.start, g.end, None, f"[no audio: {g.reason}]") for g in r.gaps]
    safe = (
        (start, max(end, start + 0.001), u, text.replace("-->", "→").replace("<", "‹").replace(">", "›"))
        for start, end, u, text in cues
    )
    return sorted(safe, key=lambda c: c[0])


def _who(u: ReportUtterance) -> str:
    """The speaker as a caption names it, marked when the floor tracker guessed it."""
    return u.speaker + (" (unconfirmed)" if u.unconfirmed else "")


def render_srt(r: SessionReport) -> str:
    """SubRip captions: the speaker in square brackets at the start of each cue."""
    return "\n".join(
        f"{n}\n{_stamp(start, ',')} --> {_stamp(end, ',')}\n{f'[{_who(u)}] ' if u else ''}{text}\n"
        for n, (start, end, u, text) in enumerate(_cues(r), start=1)
    )


def render_vtt(r: SessionReport) -> str:
    """WebVTT captions: the speaker as a voice span, so players can show or style it; cue text is escaped, so a
    transcript's "<" never opens a tag."""
    title = " ".join(r.title.split()).replace("-->", "→")
    blocks = ["WEBVTT\n", f"NOTE {title}: machine transcript, check against the video\n"]
    for start, end, u, text in _cues(r):
        voice = f"<v {escape(_who(u), quote=False)}>" if u else ""
        blocks.append(f"{_stamp(start, '.')} --> {_stamp(end, '.')}\n{voice}{escape(text, quote=False)}\n")
    return "\n".join(blocks)
