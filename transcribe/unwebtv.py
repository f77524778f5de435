"""UN Web TV and Kaltura: turn a webtv.un.org asset page or `kaltura:PARTNER:ENTRY` into an HLS URL.

UN Web TV pages embed a Kaltura player (partner 2503451) and name the entry in the page's script.
yt-dlp's UnitedNationsWebTv extractor reads webtv.un.org pages, so it does, and a newer yt-dlp is the
fix when the page changes. It knows no other host (media.un.org, the UN's other site for the same
player: yt-dlp issue 2675), so for those the page is read here. yt-dlp's Kaltura extractor is not
used: live entries only play with a widget session, so a `ks` is always requested
(`session.startWidgetSession` with widget `_PARTNER`) and passed to the entry's `playManifest` in its
Apple HLS format, which serves recordings too. Everything here is resolved again at each reconnect,
because a widget session expires and a live manifest moves.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from dataclasses import dataclass

import httpx
from uprwatch.config.errors import UserError
from yt_dlp import YoutubeDL
from yt_dlp.extractor.unitednations import UnitedNationsWebTvIE
from yt_dlp.networking.exceptions import HTTPError, TransportError
from yt_dlp.utils import DownloadError, ExtractorError

log = logging.getLogger(__name__)

UN_PARTNER = "2503451"
_PAGE = re.compile(r"^https?://[^/]+/(?:ar|zh|en|fr|ru|es)/asset/\w+/\w+/?$")
_KALTURA = re.compile(r"^kaltura:(?P<partner>\d+):(?P<entry>\w+)$")
_PARTNER_IN_PAGE = re.compile(r"partnerId[\"']?\s*[:=]\s*[\"']?(\d+)")
_ENTRY_IN_PAGE = re.compile(r"kentryID\s*=\s*[\"'](\w+)[\"']")


def kaltura_base() -> str:
    """Kaltura's API and manifest host; $UPRWATCH_KALTURA_URL points elsewhere (a mirror, or a test server)."""
    return os.environ.get("UPRWATCH_KALTURA_URL", "https://cdnapisec.kaltura.com").rstrip("/")


class ResolveFault(Exception):
    """A network or server failure while resolving; a retry may succeed."""


@dataclass(frozen=True)
class KalturaEntry:
    partner: str
    entry: str


def is_unwebtv_page(spec: str) -> bool:
    """Whether `spec` looks like a UN Web TV asset page URL."""
    return bool(_PAGE.match(spec))


def is_kaltura_spec(spec: str) -> bool:
    """Whether `spec` is written `kaltura:PARTNER:ENTRY`."""
    return bool(_KALTURA.match(spec))


def entry_from_page(html: str, url: str) -> KalturaEntry:
    """The Kaltura partner and entry named in a UN Web TV page."""
    entry = _ENTRY_IN_PAGE.search(html)
    if entry is None:
        raise UserError(f"{url} names no Kaltura entry (kentryID); is it a UN Web TV asset page?")
    partner = _PARTNER_IN_PAGE.search(html)
    return KalturaEntry(partner.group(1) if partner else UN_PARTNER, entry.group(1))


class _YtDlpLog:
    """yt-dlp's messages go to our debug log: its errors are reported once, as ours."""

    def debug(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    info = warning = error = debug


def entry_by_ytdlp(url: str) -> KalturaEntry:
    """The Kaltura entry of a webtv.un.org page, read by yt-dlp (blocking: run it in a thread)."""
    params = {"quiet": True, "no_warnings": True, "logger": _YtDlpLog(), "socket_timeout": 20, "retries": 0}
    with YoutubeDL(params) as ydl:
        try:
            info = ydl.extract_info(url, download=False, process=False, ie_key=UnitedNationsWebTvIE.ie_key())
        except DownloadError as exc:
            cause = exc.exc_info[1] if exc.exc_info else exc
            if isinstance(cause, ExtractorError) and cause.cause is not None:
                cause = cause.cause
            if isinstance(cause, HTTPError) and cause.status < 500:
                raise UserError(f"{url}: HTTP {cause.status}; check the address of the page") from None
            if isinstance(cause, (HTTPError, TransportError)):
                raise ResolveFault(f"cannot read {url} ({cause})") from None
            raise UserError(
                f"{url} names no Kaltura entry that yt-dlp can find; is it a UN Web TV asset page? "
                "If it is, upgrade yt-dlp (pip install -U yt-dlp) or give the entry as kaltura:PARTNER:ENTRY"
            ) from None
    m = _KALTURA.match(str((info or {}).get("url", "")))
    if m is None:
        raise UserError(f"yt-dlp found no Kaltura entry in {url}; give it as kaltura:PARTNER:ENTRY")
    return KalturaEntry(m["partner"], m["entry"])


def manifest_url(entry: KalturaEntry, ks: str, base: str) -> str:
    """The entry's Apple HLS master playlist, authorised by a widget session."""
    return (
        f"{base}/p/{entry.partner}/sp/{entry.partner}00/playManifest/entryId/{entry.entry}"
        f"/format/applehttp/protocol/https/a.m3u8?ks={ks}"
    )


async def _get(client: httpx.AsyncClient, url: str, **params: str) -> httpx.Response:
    try:
        response = await client.get(url, params=params or None)
    except httpx.HTTPError as exc:
        raise ResolveFault(f"network error: {exc.__class__.__name__}") from None
    if response.status_code >= 500:
        raise ResolveFault(f"HTTP {response.status_code} from {httpx.URL(url).host}")
    if response.status_code >= 400:
        raise UserError(f"{url}: HTTP {response.status_code}; check the address of the page or entry")
    return response


async def widget_session(client: httpx.AsyncClient, partner: str, base: str) -> str:
    """A Kaltura widget session (ks) for the partner's public player."""
    response = await _get(
        client, f"{base}/api_v3/service/session/action/startWidgetSession", widgetId=f"_{partner}", format="1"
    )
    try:
        body = response.json()
    except ValueError:
        raise ResolveFault("Kaltura answered with something other than JSON") from None
    if not isinstance(body, dict) or "ks" not in body:
        message = body.get("message") if isinstance(body, dict) else None
        raise UserError(f"Kaltura refused a widget session for partner {partner}: {message or repr(body)}")
    return str(body["ks"])


async def resolve_hls(spec: str, client: httpx.AsyncClient) -> str:
    """HLS master URL for a UN Web TV page or a `kaltura:PARTNER:ENTRY` spec."""
    base = kaltura_base()
    if m := _KALTURA.match(spec):
        entry = KalturaEntry(m["partner"], m["entry"])
    elif UnitedNationsWebTvIE.suitable(spec):
        entry = await asyncio.to_thread(entry_by_ytdlp, spec)
    else:
        entry = entry_from_page((await _get(client, spec)).text, spec)
    return manifest_url(entry, await widget_session(client, entry.partner, base), base)
