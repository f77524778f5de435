"""UN Web TV page → Kaltura widget session → playManifest → HLS, against local HTTP peers."""

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from uprwatch.config.errors import UserError
from uprwatch.transcribe.file_source import decode_file
from uprwatch.transcribe.hls_source import RetryPolicy
from uprwatch.transcribe.sources import open_source
from uprwatch.transcribe.types import AudioChunk, StreamGap

from tests.conftest import SAMPLES
from tests.hls_server import LiveOrigin

PAGE = (Path(__file__).parent / "fixtures" / "unwebtv-asset-page.html").read_text()


class FakeUnTv:
    """Serves the asset page, Kaltura's startWidgetSession and a playManifest that redirects to the origin.

    It also answers as an HTTP proxy, so that yt-dlp can be sent to "webtv.un.org" and land here.
    """

    def __init__(self, origin: LiveOrigin):
        self.origin = origin
        self.proxied: list[str] = []  # what was asked of it as a proxy, as host/path
        self.sessions = 0
        self.fail_sessions = 0  # answer this many session requests with 503
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, ctype: str = "text/plain", headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                if path.startswith("http://"):
                    host, _, rest = path.removeprefix("http://").partition("/")
                    outer.proxied.append(f"{host}/{rest}")
                    path = f"/{rest}"
                if path == "/en/asset/k1a/k1abcd1234":
                    return self._send(200, PAGE.encode(), "text/html")
                if path == "/en/asset/k1a/k1notaplayer":
                    return self._send(200, b"<html><body>No player here</body></html>", "text/html")
                if path == "/api_v3/service/session/action/startWidgetSession":
                    if outer.fail_sessions:
                        outer.fail_sessions -= 1
                        return self._send(503, b"busy")
                    if "widgetId=_2503451" not in query:
                        body = {
                            "objectType": "KalturaAPIException",
                            "code": "INVALID_WIDGET_ID",
                            "message": "Invalid widget id",
                        }
                        return self._send(200, json.dumps(body).encode(), "application/json")
                    outer.sessions += 1
                    body = {
                        "objectType": "KalturaStartWidgetSessionResponse",
                        "ks": f"ks{outer.sessions}",
                        "partnerId": 2503451,
                    }
                    return self._send(200, json.dumps(body).encode(), "application/json")
                if path.startswith("/p/2503451/sp/250345100/playManifest/entryId/1_abcd1234/format/applehttp/"):
                    if "ks=ks" not in query:
                        return self._send(403, b"no ks")
                    return self._send(302, b"", headers={"Location": outer.origin.url})
                return self._send(404, b"not found")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def untv(monkeypatch):
    audio = np.concatenate([c.samples for c in decode_file(SAMPLES / "demo-session.ogg")])[: 36 * 16_000]
    origin = LiveOrigin(
        {"en": audio[: 12 * 16_000], "ia": audio[12 * 16_000 : 24 * 16_000]}, speed=8.0, names={"ia": "Floor"}
    )
    origin.start()
    fake = FakeUnTv(origin)
    monkeypatch.setenv("UPRWATCH_KALTURA_URL", fake.base)
    yield fake
    fake.stop()
    origin.stop()


def collect(source) -> list:
    source.retry = RetryPolicy(first_delay_s=0.1, max_delay_s=0.5, request_timeout_s=2.0)

    async def run() -> list:
        return [item async for item in source.chunks()]

    return asyncio.run(asyncio.wait_for(run(), 60))


def test_unwebtv_page_resolves_through_a_widget_session_to_the_stream(untv):
    items = collect(open_source(f"{untv.base}/en/asset/k1a/k1abcd1234", language="en"))
    seconds = sum(len(i.samples) for i in items if isinstance(i, AudioChunk)) / 16_000
    assert abs(seconds - 12) < 0.5 and untv.sessions == 1
    assert any(r.startswith("/en/") for r in untv.origin.requests)


def test_webtv_un_org_pages_are_read_by_ytdlp(untv, monkeypatch):
    monkeypatch.setenv("http_proxy", untv.base)  # yt-dlp's request for webtv.un.org comes to the fake
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    items = collect(open_source("http://webtv.un.org/en/asset/k1a/k1abcd1234", language="en"))
    assert untv.proxied == ["webtv.un.org/en/asset/k1a/k1abcd1234"]
    assert sum(len(i.samples) for i in items if isinstance(i, AudioChunk)) / 16_000 > 10 and untv.sessions == 1
    with pytest.raises(UserError, match=r"names no Kaltura entry that yt-dlp can find.*kaltura:PARTNER:ENTRY"):
        collect(open_source("http://webtv.un.org/en/asset/k1a/k1notaplayer"))
    with pytest.raises(UserError, match="HTTP 404; check the address of the page"):
        collect(open_source("http://webtv.un.org/en/asset/k1a/k1gone00000"))


def test_kaltura_spec_and_floor_channel(untv):
    collect(open_source("kaltura:2503451:1_abcd1234", language="floor"))
    assert any(r.startswith("/ia/") for r in untv.origin.requests)
    assert not any(r.startswith("/en/seg") for r in untv.origin.requests)


def test_kaltura_outage_while_resolving_is_retried_and_recorded(untv):
    untv.fail_sessions = 2
    items = collect(open_source("kaltura:2503451:1_abcd1234", language="en"))
    assert untv.sessions == 1
    assert sum(len(i.samples) for i in items if isinstance(i, AudioChunk)) / 16_000 > 10
    # the outage came before any audio: it is recorded, and stream time still starts at the first sample
    assert [(g.start, g.end, g.reason) for g in items if isinstance(g, StreamGap)] == [
        (0.0, 0.0, "HTTP 503 from 127.0.0.1")
    ]


def test_a_page_without_a_player_is_a_clear_error(untv):
    with pytest.raises(UserError, match="names no Kaltura entry"):
        collect(open_source(f"{untv.base}/en/asset/k1a/k1notaplayer"))


def test_a_refused_widget_session_is_a_clear_error(untv):
    with pytest.raises(UserError, match="Kaltura refused a widget session for partner 999: Invalid widget id"):
        collect(open_source("kaltura:999:1_abcd1234"))
