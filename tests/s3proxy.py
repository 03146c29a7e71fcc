"""A small HTTP proxy for fault tests: forwards to an S3 endpoint, failing some requests.

`fail_rate` of requests get a 500 InternalError or a dropped connection (half each); `down`
drops every connection (an outage). Deterministic for a given seed. Test code only.
"""

from __future__ import annotations

import http.client
import random
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Tuple
from urllib.parse import urlparse

ERROR = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code>'
         b'<Message>injected</Message></Error>')


class FaultyProxy:
    def __init__(self, target: str, fail_rate: float = 0.0, seed: int = 0) -> None:
        parsed = urlparse(target)
        self.target: Tuple[str, int] = (parsed.hostname, parsed.port)
        self.fail_rate = fail_rate
        self.down = False
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.counts = {"forwarded": 0, "500": 0, "dropped": 0}
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _drop(self):
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self.close_connection = True

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy.lock:
                    roll = proxy.random.random()
                    fate = "down" if proxy.down else (
                        "500" if roll < proxy.fail_rate / 2 else
                        "dropped" if roll < proxy.fail_rate else "forwarded")
                    if fate != "down":
                        proxy.counts[fate] += 1
                if fate in ("down", "dropped"):
                    return self._drop()
                if fate == "500":
                    self.send_response(500)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(ERROR)))
                    self.end_headers()
                    if self.command != "HEAD":   # a HEAD answer never has a body
                        self.wfile.write(ERROR)
                    return
                conn = http.client.HTTPConnection(*proxy.target, timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("connection", "proxy-connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                length = resp.getheader("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length or str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
