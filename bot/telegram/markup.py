"""Telegram HTML that stays valid when long: length in UTF-16 units (what Telegram counts) and splitting at
sentence boundaries, closing the open tags at the cut and reopening them in the next message."""

from __future__ import annotations

import re

from telegram.constants import MessageLimit

LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4,096
_TAG = re.compile(r"(<[^>]+>)")
_SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+|\n+")
_WORD = re.compile(r"(?<=\s)")
_CHAR = re.compile(r"&[#\w]+;|.", re.S)  # an HTML entity is one indivisible character here


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (most emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def _pieces(text: str, limit: int) -> list[str]:
    """Text cut into sentences, and any sentence too long for a message into words, or characters."""
    out: list[str] = []
    for sentence in _split_keep(text, _SENTENCE_END):
        if utf16_len(sentence) <= limit // 2:
            out.append(sentence)
            continue
        for word in _split_keep(sentence, _WORD):
            out.extend([word] if utf16_len(word) <= limit // 2 else _CHAR.findall(word))
    return out


def _split_keep(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split after each match, keeping the separator with the piece before it."""
    out, last = [], 0
    for m in pattern.finditer(text):
        if m.end() > last:
            out.append(text[last : m.end()])
            last = m.end()
    if last < len(text):
        out.append(text[last:])
    return out


def split_html(html: str, limit: int = LIMIT) -> list[str]:
    """One message if it fits, else several, each within `limit` and each with balanced tags."""
    if utf16_len(html) <= limit:
        return [html]
    chunks: list[str] = []
    current = ""
    has_text = False
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(open_tags))

    for token in _TAG.split(html):
        if not token:
            continue
        if token.startswith("</"):
            current += token
            open_tags.pop()
            continue
        if token.startswith("<"):
            current += token
            open_tags.append((token[1:].split()[0].rstrip(">").rstrip("/"), token))
            continue
        for piece in _pieces(token, limit):
            if has_text and utf16_len(current + piece + closing()) > limit:
                chunks.append(current.rstrip() + closing())
                current = "".join(tag for _, tag in open_tags)
                has_text = False
                piece = piece.lstrip()
            current += piece
            has_text = has_text or bool(piece.strip())
    if has_text:
        chunks.append(current.rstrip())
    return chunks
