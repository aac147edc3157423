#!/usr/bin/env python3
"""A hostile Docker Engine API on a unix socket: what a compromised or broken
engine could send rootlock. Every request line it reads is appended to LOG.

usage: hostile_engine.py SOCKET_PATH MODE LOG
MODE:
  endless          GET /containers/json streams a chunked list that never ends
  endless-inspect  the list is short, but one container's inspect never ends, and what
                   another (writable) container wrote (/changes) never ends either
  drip             two containers answer at once, the next ones one byte a second
  ids              container ids ".." "a/b" "a%2Fb" beside a good container whose
                   name and image carry terminal escape sequences
"""
import json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_server import EngineHandler, serve  # noqa: E402

path, mode, log = sys.argv[1], sys.argv[2], sys.argv[3]

ESC_NAME = "/esc\x1b]0;pwned\x07"
ESC_IMAGE = "busybox\x1b[2J"


def inspect(cid, name, image="busybox", read_only=True):
    return {"Id": cid, "Name": name, "Platform": "linux", "Config": {"Image": image},
            "HostConfig": {"ReadonlyRootfs": read_only, "Tmpfs": {"/tmp": ""}}, "Mounts": []}


GOOD = [("a" * 64, "/fast-1"), ("b" * 64, "/fast-2")]
SLOW = [("c" * 64, "/slow-1"), ("d" * 64, "/slow-2"), ("e" * 64, "/slow-3")]
ENDLESS_ID = "f" * 64
WRITER_ID = "8" * 64
ESC_ID = "9" * 64
BAD_IDS = ["..", "a/b", "a%2Fb"]


class Handler(EngineHandler):
    protocol_version = "HTTP/1.1"

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def endless(self, opening, item):
        """A chunked answer that never ends: `opening`, then `item` forever."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        block = item * (1024 * 1024 // len(item))
        try:
            self.chunk(opening)
            while True:
                self.chunk(block)
        except OSError:
            pass  # rootlock hung up: what it should do
        self.close_connection = True

    def drip(self, body):
        """`body`, one byte a second (announced length, so only the time is hostile)."""
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass
        self.close_connection = True

    def do_GET(self):
        p = self.path
        with open(log, "a") as f:
            f.write("GET " + p + "\n")
        if p == "/version":
            return self.send(200, {"Version": "hostile", "ApiVersion": "1.43",
                                   "MinAPIVersion": "1.24"})
        prefix = "/v1.43/containers/"
        if p == prefix + "json?all=1":
            if mode == "endless":
                return self.endless(b"[", b'{"Id":"' + ENDLESS_ID.encode() + b'","Names":["/x"]},')
            if mode == "endless-inspect":
                return self.send(200, [{"Id": ENDLESS_ID, "Names": ["/endless"]},
                                       {"Id": GOOD[0][0], "Names": [GOOD[0][1]]},
                                       {"Id": WRITER_ID, "Names": ["/writer"]}])
            if mode == "drip":
                return self.send(200, [{"Id": i, "Names": [n]} for i, n in GOOD + SLOW])
            if mode == "ids":
                return self.send(200, [{"Id": i, "Names": ["/bad"]} for i in BAD_IDS] +
                                 [{"Id": ESC_ID, "Names": [ESC_NAME], "Image": ESC_IMAGE}])
        for cid, name in GOOD:
            if p == prefix + cid + "/json":
                return self.send(200, inspect(cid, name))
        for cid, name in SLOW:
            if p == prefix + cid + "/json":
                return self.drip(inspect(cid, name))
        if p == prefix + ENDLESS_ID + "/json":
            return self.endless(b'{"Id":"' + ENDLESS_ID.encode() + b'","Labels":{',
                                b'"k":"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv",')
        if p == prefix + WRITER_ID + "/json":
            return self.send(200, inspect(WRITER_ID, "/writer", read_only=False))
        if p == prefix + WRITER_ID + "/changes":
            return self.endless(b"[", b'{"Path":"/var/cache/app/file","Kind":1},')
        if p == prefix + ESC_ID + "/json":
            return self.send(200, inspect(ESC_ID, ESC_NAME, ESC_IMAGE, read_only=False))
        if p == prefix + ESC_ID + "/changes":
            return self.send(200, [{"Path": "/var/cache/\x1b[2J", "Kind": 1}])
        return self.send(404, {"message": "page not found"})

serve(path, Handler)
