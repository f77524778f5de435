"""A fake Telegram Bot API server on 127.0.0.1 for tests and benchmarks: the real python-telegram-bot client
talks HTTP to it. It scripts user messages for getUpdates, records what the bot sends, enforces Telegram-like
flood limits (30 messages/s overall, 20/min per group or channel, 1/s per private chat) and answers with
429 retry_after, 403, 400 migrate_to_chat_id, 5xx or slowly when told to."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import math
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_ID = 700000001
ADMIN_RIGHTS = [
    "can_be_edited",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
]
SENDING = {"sendMessage", "sendDocument"}


@dataclass
class Sent:
    """One message the bot got through."""

    chat_id: int
    text: str
    method: str = "sendMessage"
    parse_mode: str | None = None
    silent: bool = False
    message_id: int = 0
    at: float = 0.0
    filename: str | None = None
    document: bytes = b""
    uploaded: bool = False  # the document's bytes came with this request (not a file_id of an earlier upload)


@dataclass
class FakeBotApi:
    token: str = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
    global_per_s: int = 30
    group_per_min: int = 20
    private_gap_s: float = 1.0
    updates: list[dict[str, Any]] = field(default_factory=list)
    admins: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    faults: dict[int, deque[str]] = field(default_factory=lambda: defaultdict(deque))
    blocked: set[int] = field(default_factory=set)
    sent: list[Sent] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    answered: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # HTTP status → count
    requests: list[str] = field(default_factory=list)  # request paths, to check what a client sent
    refused: list[tuple[str, int, str, float]] = field(default_factory=list)  # 429s: method, chat, why, since last

    def __post_init__(self) -> None:
        self.lock = threading.Condition()
        self.confirmed = 0
        self.next_message_id = 1
        self.next_update_id = 1
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id → (name, bytes) of every uploaded document
        self.recent: deque[float] = deque()  # accepted sends, all chats
        self.recent_per_chat: dict[int, deque[float]] = defaultdict(deque)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- test controls -------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> FakeBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def say(self, chat_id: int, text: str, user_id: int | None = None, chat_type: str | None = None) -> None:
        """A user (by default the chat's own user, for a private chat) sends a message."""
        kind = chat_type or ("private" if chat_id > 0 else "supergroup")
        user = user_id or (chat_id if chat_id > 0 else 1)
        message: dict[str, Any] = {
            "message_id": self.next_update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": kind, **({"title": "Group chat"} if kind != "private" else {})},
            "from": {"id": user, "is_bot": False, "first_name": "Amina", "username": f"amina_{user}"},
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        with self.lock:
            self.updates.append({"update_id": self.next_update_id, "message": message})
            self.next_update_id += 1
            self.lock.notify_all()

    def to(self, chat_id: int) -> list[Sent]:
        """Messages delivered to a chat, in order."""
        with self.lock:
            return [s for s in self.sent if s.chat_id == chat_id]

    def wait_for(self, predicate: Any, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate():
                    return True
            time.sleep(0.05)
        return False

    # -- the API -------------------------------------------------------------------------------------------
    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getMe":
            me = {"id": BOT_ID, "is_bot": True, "first_name": "uprwatch", "username": "uprwatch_test_bot"}
            return 200, {"ok": True, "result": me | {"can_join_groups": True, "supports_inline_queries": False}}
        if method in ("deleteWebhook", "setMyCommands"):
            if method == "setMyCommands":
                with self.lock:
                    self.commands.append(params)
            return 200, {"ok": True, "result": True}
        if method == "getUpdates":
            offset, timeout = int(params.get("offset") or 0), float(params.get("timeout") or 0)
            return 200, {"ok": True, "result": self._updates(offset, timeout)}
        if method == "getChatMember":
            return 200, {"ok": True, "result": self._member(int(params["chat_id"]), int(params["user_id"]))}
        if method == "getChatAdministrators":
            chat = int(params["chat_id"])
            return 200, {"ok": True, "result": [self._member(chat, u) for u in sorted(self.admins[chat])]}
        if method in SENDING:
            return self._send(method, params)
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def _updates(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + min(timeout, 1.0)
        with self.lock:
            if offset:
                self.confirmed = max(self.confirmed, offset)
            while True:
                pending = [u for u in self.updates if u["update_id"] >= self.confirmed]
                left = deadline - time.monotonic()
                if pending or left <= 0:
                    return pending
                self.lock.wait(left)

    def _member(self, chat: int, user: int) -> dict[str, Any]:
        person = {"id": user, "is_bot": False, "first_name": "Member"}
        if user in self.admins[chat]:
            return {"status": "administrator", "user": person, "is_anonymous": False} | {r: True for r in ADMIN_RIGHTS}
        return {"status": "member", "user": person}

    def _send(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = int(params["chat_id"])
        with self.lock:
            fault = self.faults[chat].popleft() if self.faults[chat] else None
        if fault and fault.startswith("slow:"):
            time.sleep(float(fault.split(":")[1]))
            fault = None
        if chat in self.blocked or fault == "403":
            self.blocked.add(chat)
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if fault and fault.startswith("429:"):
            return self._too_many(int(fault.split(":")[1]))
        if fault and fault.startswith("migrate:"):
            new = int(fault.split(":")[1])
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": new},
            }
        if fault == "500":
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        uploaded = "_document" in params
        if method == "sendDocument" and not uploaded:  # a file_id: Telegram sends the file it already holds
            if params.get("document") not in self.files:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: wrong file identifier"}
            params["_filename"], params["_document"] = self.files[params["document"]]
        with self.lock:
            now = time.monotonic()
            while self.recent and self.recent[0] <= now - 1.0:
                self.recent.popleft()
            mine = self.recent_per_chat[chat]
            window = 60.0 if chat < 0 else self.private_gap_s
            while mine and mine[0] <= now - window:
                mine.popleft()
            if len(self.recent) >= self.global_per_s:
                self.refused.append((method, chat, "global", round(now - self.recent[0], 3)))
                return self._too_many(1)
            if mine and (chat > 0 or len(mine) >= self.group_per_min):
                self.refused.append((method, chat, f"{len(mine)} in window", round(now - mine[-1], 3)))
                return self._too_many(max(1, math.ceil(mine[0] + window - now)))
            self.recent.append(now)
            mine.append(now)
            sent = Sent(
                chat_id=chat,
                text=str(params.get("text") or params.get("caption") or ""),
                method=method,
                parse_mode=params.get("parse_mode"),
                silent=params.get("disable_notification") in (True, "true", "True"),
                message_id=self.next_message_id,
                at=now,
                filename=params.get("_filename"),
                document=params.get("_document", b""),
                uploaded=uploaded,
            )
            self.next_message_id += 1
            self.sent.append(sent)
        kind = "private" if chat > 0 else "supergroup"
        result = {"message_id": sent.message_id, "date": int(time.time()), "chat": {"id": chat, "type": kind}}
        if method == "sendDocument":
            file_id = params.get("document") if not uploaded else f"doc{len(self.files) + 1}"
            self.files[file_id] = (sent.filename or "", sent.document)
            result["document"] = {"file_id": file_id, "file_unique_id": file_id, "file_name": sent.filename}
        else:
            result["text"] = sent.text
        return 200, {"ok": True, "result": result}

    def _too_many(self, seconds: int) -> tuple[int, dict[str, Any]]:
        return 429, {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {seconds}",
            "parameters": {"retry_after": seconds},
        }


def _params(content_type: str, body: bytes) -> dict[str, Any]:
    """Form, JSON or multipart parameters as the Bot API accepts them; JSON-looking values decoded."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    params: dict[str, Any] = {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                params["_filename"], params["_document"] = part.get_filename(), payload
            else:
                params[str(name)] = payload.decode("utf-8")
    else:
        params = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    for key, value in list(params.items()):
        if isinstance(value, str) and value[:1] in "[{":
            params[key] = json.loads(value)
    return params


def _handler(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            prefix, _, method = self.path.rpartition("/")
            with api.lock:
                api.requests.append(self.path)
            if prefix != f"/bot{api.token}":
                status, answer = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            else:
                status, answer = api.handle(method, _params(self.headers.get("Content-Type", ""), body))
            with api.lock:
                api.answered[status] += 1
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a long poll whose client left
                self.wfile.write(data)

        do_GET = do_POST

    return Handler
