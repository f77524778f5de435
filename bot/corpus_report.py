"""`uprwatch corpus inspect`: what a corpus holds and the first problems found in it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from uprwatch.matching.corpus import Corpus

TOP = 15
PROBLEMS_SHOWN = 10


def _line(title: str, counts: Counter[str], top: int = TOP) -> str:
    shown = ", ".join(f"{name} {n}" for name, n in counts.most_common(top))
    more = f" (+{len(counts) - top} more)" if len(counts) > top else ""
    return f"{title}: {shown or '—'}{more}"


def inspect_report(corpus: Corpus) -> Iterable[str]:
    """Lines describing a loaded corpus: counts per file, kind, State, position and theme; then problems."""
    items = corpus.items
    ids = {(i.source, i.id) for i in items}
    yield f"{len(items)} items ({len(ids)} distinct ids) from {len({i.source for i in items})} file(s)"
    yield _line("files", Counter(i.source for i in items))
    yield _line("kinds", Counter(i.kind for i in items))
    yield _line("States under review", Counter(i.state_under_review or "(not given)" for i in items))
    yield _line("years", Counter(str(i.year or "(not given)") for i in items))
    yield _line("positions", Counter(i.position or "(none)" for i in items))
    yield _line("recommending States", Counter(s for i in items for s in i.recommending_states))
    yield _line("themes", Counter(t for i in items for t in i.themes))
    yield f"problems: {len(corpus.problems)}" + (" (first ones below)" if corpus.problems else "")
    yield from (f"  {p}" for p in corpus.problems[:PROBLEMS_SHOWN])
