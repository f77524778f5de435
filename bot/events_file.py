"""The JSONL events file: one event per line, written and flushed as each event happens."""

from __future__ import annotations

import json
from pathlib import Path

from uprwatch.bot.events import Event
from uprwatch.config.errors import UserError


class EventsFile:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write the events file {self.path} ({exc.strerror})") from None

    def emit(self, event: Event) -> None:
        self._fh.write(json.dumps(event, ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()
