"""A loopback HTTP server that answers every SPARQL query with a canned reply and records what it was sent,
for the protocol details a real server cannot show (headers, form fields, a slow or odd answer)."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.parse
from contextlib import contextmanager


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every query with an empty result and remembers what it was sent."""

    seen: list[dict] = []
    reply: tuple[int, str, bytes] = (
        200,
        "application/sparql-results+json",
        b'{"head":{"vars":[]},"results":{"bindings":[]}}',
    )
    delay = 0.0

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode("utf-8")
        type(self).seen.append(
            {
                "path": self.path,
                "content_type": self.headers.get("Content-Type"),
                "accept": self.headers.get("Accept"),
                "form": urllib.parse.parse_qs(body),
            }
        )
        time.sleep(type(self).delay)
        status, content_type, payload = type(self).reply
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that gave up (the timeout test) is expected: no traceback on stderr


@contextmanager
def fake_endpoint(reply=None, delay=0.0):
    handler = type("Handler", (_Recorder,), {"seen": [], "delay": delay})
    if reply is not None:
        handler.reply = reply
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query", handler
    finally:
        server.shutdown()
        server.server_close()
