"""`uprwatch serve` when things go wrong around it: a session file broken while its session runs, and a
source that never goes live."""

import asyncio
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from uprwatch.bot.service import Service

from tests.conftest import stored_events
from tests.hls_server import RATE, LiveOrigin
from tests.test_serve import book


def test_a_source_that_never_goes_live_is_reported_and_the_service_stops_cleanly(tmp_path, caplog):
    folder, db = tmp_path / "sessions", f"sqlite:///{tmp_path / 'log.db'}"
    folder.mkdir()
    dead = LiveOrigin({"en": np.zeros(4 * RATE, dtype=np.float32)})
    dead.faults.down_until = time.monotonic() + 3600  # answers 503 to everything
    dead.start()
    book(folder, "silent", "Silent review", dead.url, datetime.now(ZoneInfo("Europe/Zurich")), 60)
    (folder / "broken.toml").write_text('[session]\nid = "broken"\n', encoding="utf-8")
    service = Service(folder, db, model="embedded:tiny.en")
    service.not_live_after = timedelta(seconds=2)

    def break_the_file() -> None:  # an operator's bad edit while the session runs
        path = folder / "silent.toml"
        path.write_text(path.read_text().replace('"Europe/Zurich"', '"Europe/Genf"'), encoding="utf-8")
        reloaded.append(service.reload())

    reloaded: list[str] = []

    async def for_a_while() -> int:
        asyncio.get_running_loop().call_later(4, break_the_file)
        asyncio.get_running_loop().call_later(8, service.stopping.set)
        return await service.run(drain_s=0)

    try:
        assert asyncio.run(for_a_while()) == 0
    finally:
        dead.stop()
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("broken.toml: [session] state_under_review: missing" in w for w in warnings)
    assert any(
        w.startswith("silent: nothing heard from http://127.0.0.1") and "Check [session] source" in w for w in warnings
    )
    assert reloaded == ["1 sessions on the calendar, 2 problems in the session files."]
    assert any("silent.toml: [session] timezone" in w and "last good schedule is kept" in w for w in warnings)
    kinds = [e["type"] for e in stored_events(db, "silent")]
    assert kinds[0] == "session_started" and "utterance" not in kinds
