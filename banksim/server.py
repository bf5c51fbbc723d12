"""The simulated bank's HTTP server: webhooks on any path, its own controls under ``/_sim/``."""

from __future__ import annotations

import json
import socket
import struct
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from banksim.receiver import RESET, Receiver
from lenders.delivery.signing import HEADER

CONTROL = "/_sim/"
MAX_BODY = 1 << 20


class BankServer(ThreadingHTTPServer):
    """One thread per connection; connections are kept alive (HTTP/1.1)."""

    daemon_threads = True
    request_queue_size = 1024  # the platform opens many connections at once

    def __init__(self, address: tuple[str, int], receiver: Receiver) -> None:
        super().__init__(address, _Handler)
        self.receiver = receiver

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle on, the second waits for the client's
    # delayed ACK (~40 ms a request), which no real bank server would impose.
    disable_nagle_algorithm = True
    server: BankServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # thousands of lines per second would drown the bench

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"error": "body too large"})
            return
        body = self.rfile.read(length)
        if self.path.startswith(CONTROL):
            self._control(body)
            return
        reply = self.server.receiver.receive(signature=self.headers.get(HEADER), body=body)
        if reply.status == RESET:
            self._reset()
            return
        self._json(reply.status, reply.body)

    def do_GET(self) -> None:
        receiver = self.server.receiver
        if self.path == CONTROL + "stats":
            answering = [h.stats() for h in receiver.handlers if hasattr(h, "stats")]
            self._json(
                200,
                {
                    **receiver.ledger.stats(),
                    "behaviour": receiver.behaviour.as_json(),
                    **(answering[0] if answering else {}),
                },
            )
        elif self.path == CONTROL + "events":
            self._json(200, {"data": receiver.ledger.received()})
        elif self.path == CONTROL + "health":
            self._json(200, {"ok": True})
        else:
            self._json(404, {"error": "not found"})

    def _control(self, body: bytes) -> None:
        receiver = self.server.receiver
        try:
            changes = json.loads(body or b"{}")
            if self.path == CONTROL + "behaviour":
                receiver.behaviour.update(changes)
                self._json(200, receiver.behaviour.as_json())
            elif self.path == CONTROL + "secrets":
                secrets = changes["secrets"]
                if not secrets or not all(isinstance(s, str) and s for s in secrets):
                    raise ValueError("secrets must be a non-empty list of strings")
                receiver.secrets = list(secrets)
                self._json(200, {"secrets": len(secrets)})
            else:
                self._json(404, {"error": "not found"})
        except (ValueError, KeyError, TypeError) as error:
            self._json(400, {"error": str(error)})

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _reset(self) -> None:
        # Linger 0: closing sends a TCP reset, as a bank whose server is gone would.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True


def serve(receiver: Receiver, *, host: str = "127.0.0.1", port: int = 0) -> BankServer:
    """A bound server (port 0: any free port); call ``serve_forever`` on it."""
    return BankServer((host, port), receiver)
