"""The rehearsal's API (drawing-agent on port 8000): what the release checks of the real one.

GET /api/version   {"version": ..., "commit": ...} of the image (build arguments)
GET /api/headers   the Host and forwarding headers this request arrived with
GET/POST /api/drawings   rows of the drawings table in the SQLite database on the data volume
GET /ws            a WebSocket (RFC 6455): first a message with the headers it arrived with, then an echo
Each start is recorded in the boots table. Stops at once on SIGTERM, as the real server does.
"""
import base64
import hashlib
import json
import os
import signal
import sqlite3
import struct
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = os.environ.get("APP_VERSION", "unknown")
COMMIT = os.environ.get("APP_COMMIT", "unknown")
DATABASE = os.path.join(os.environ.get("DATA_DIR", "/app/data"), "code_monet.db")
FORWARDING = ("Host", "X-Real-IP", "X-Forwarded-For", "X-Forwarded-Proto")


def database():
    connection = sqlite3.connect(DATABASE, timeout=10)
    connection.execute("PRAGMA busy_timeout = 10000")
    return connection


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def answer(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def headers_seen(self):
        return {name: self.headers.get(name) for name in FORWARDING}

    def do_GET(self):
        if self.path == "/api/version":
            self.answer(200, json.dumps({"version": VERSION, "commit": COMMIT}))
        elif self.path == "/api/headers":
            self.answer(200, json.dumps(self.headers_seen()))
        elif self.path == "/api/drawings":
            with database() as db:
                rows = db.execute("SELECT * FROM drawings ORDER BY id").fetchall()
            self.answer(200, json.dumps(rows))
        elif self.path == "/ws" and self.headers.get("Upgrade", "").lower() == "websocket":
            self.websocket()
        else:
            self.answer(404, json.dumps({"detail": "Not Found"}))

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path != "/api/drawings":
            self.answer(404, json.dumps({"detail": "Not Found"}))
            return
        title = json.loads(body or b"{}").get("title", "untitled") if len(body) < 4096 else "large upload"
        with database() as db:
            db.execute("INSERT INTO drawings (title) VALUES (?)", (title,))
        self.answer(201, json.dumps({"title": title, "bytes": length}))

    def websocket(self):
        accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"]
                                                + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        self.send_frame(1, json.dumps(self.headers_seen()).encode())
        while True:
            frame = self.read_frame()
            if frame is None:
                return
            opcode, payload = frame
            if opcode == 1:
                self.send_frame(1, b"echo:" + payload)
            elif opcode == 9:
                self.send_frame(10, payload)
            elif opcode == 8:
                self.send_frame(8, payload[:2])
                return

    def read_frame(self):
        head = self.rfile.read(2)
        if len(head) < 2:
            return None
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            length = struct.unpack(">H", self.rfile.read(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self.rfile.read(8))[0]
        mask = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
        return opcode, payload

    def send_frame(self, opcode, payload):
        head = bytes([0x80 | opcode])
        if len(payload) < 126:
            head += bytes([len(payload)])
        else:
            head += bytes([126]) + struct.pack(">H", len(payload))
        self.wfile.write(head + payload)
        self.wfile.flush()


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with database() as db:
        db.execute("CREATE TABLE IF NOT EXISTS boots (version TEXT, at TEXT DEFAULT CURRENT_TIMESTAMP)")
        db.execute("INSERT INTO boots (version) VALUES (?)", (VERSION,))
    server = ThreadingHTTPServer(("0.0.0.0", 8000), Handler)
    server.daemon_threads = True
    print("drawing-agent %s listening on 8000" % VERSION, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
