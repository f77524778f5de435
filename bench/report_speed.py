"""How long each report format takes for a full-length session, and how big the HTML is.

    .venv/bin/python bench/report_speed.py [--delegations 160] [--utterances 2000] [--matches 300]

A synthetic 3.5-hour review (tests/synthetic_log.py: the pipeline's own event factory; 160 delegations, about
2,000 utterances and 300 matches by default, with gaps) is written to a temporary SQLite session log; each format
is then built from the log as `uprwatch report` builds it (reading the events included), three times, and the
fastest time reported. The HTML must stay under 5 MB (it goes out through Telegram) and build in under 5 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from machine import describe, peak_rss_mb  # noqa: E402
from uprwatch.bot.reports.formats import FORMATS, render  # noqa: E402
from uprwatch.bot.session_store import SessionStore  # noqa: E402

from tests.synthetic_log import SESSION, session_events  # noqa: E402

HTML_LIMIT_MB, HTML_LIMIT_S = 5.0, 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegations", type=int, default=160)
    parser.add_argument("--utterances", type=int, default=2000)
    parser.add_argument("--matches", type=int, default=300)
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        store = SessionStore(f"sqlite:///{tmp}/log.db")
        events = session_events(args.delegations, args.utterances, args.matches, gaps=3)
        store.emit_all(events)
        counts = {kind: sum(e["type"] == kind for e in events) for kind in ("turn", "utterance", "match", "stream_gap")}
        span = max(float(e.get("end") or e.get("start") or 0) for e in events)
        print(f"session: {span / 3600:.2f} h of stream, {counts['turn']} turns, {counts['utterance']} utterances, "
              f"{counts['match']} matches, {counts['stream_gap']} gaps; {len(events)} events")  # fmt: skip
        ok = True
        for fmt in FORMATS:
            times = []
            for _ in range(3):
                began = time.perf_counter()
                _, data = render(store, SESSION, fmt)
                times.append(time.perf_counter() - began)
            size = len(data) / 1e6
            line = f"{fmt:5} {min(times):6.2f} s  {size:6.2f} MB"
            if fmt == "html":
                passed = size < HTML_LIMIT_MB and min(times) < HTML_LIMIT_S
                ok &= passed
                line += f"   (bar: < {HTML_LIMIT_MB:.0f} MB, < {HTML_LIMIT_S:.0f} s: {'met' if passed else 'NOT MET'})"
            print(line)
        store.close()
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
