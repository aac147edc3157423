#!/usr/bin/env python3
"""A Docker Engine API stand-in on a unix socket, for the two cases a real engine
cannot be made to show here: an API version too old, and a container removed
between the list and its inspect. Answers are the exact wire format of the
Engine API reference (GET /version, /containers/json, /containers/{id}/json).

usage: fake_engine.py SOCKET_PATH MODE   (MODE: old-api | vanishing)
"""
import http.server, json, os, socketserver, sys

path, mode = sys.argv[1], sys.argv[2]

CONTAINER = {
    "Id": "b" * 64, "Name": "/survivor", "Platform": "linux",
    "Config": {"Image": "busybox"}, "HostConfig": {"ReadonlyRootfs": True, "Tmpfs": {"/tmp": ""}},
    "Mounts": [],
}

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        p = self.path
        if p == "/version":
            api = "1.12" if mode == "old-api" else "1.41"
            return self.send(200, {"Version": "fake", "ApiVersion": api, "MinAPIVersion": "1.12"})
        if p.endswith("/containers/json?all=1"):
            return self.send(200, [{"Id": "a" * 64, "Names": ["/vanished"]},
                                   {"Id": "b" * 64, "Names": ["/survivor"]}])
        if p.endswith("/containers/" + "a" * 64 + "/json"):
            return self.send(404, {"message": "No such container: " + "a" * 64})
        if p.endswith("/containers/" + "b" * 64 + "/json"):
            return self.send(200, CONTAINER)
        return self.send(404, {"message": "page not found"})

    def do_POST(self):  # rootlock must never change anything
        self.send(500, {"message": "rootlock sent a POST"})
        os._exit(3)

class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        request, _ = super().get_request()
        return request, ("local", 0)

if os.path.exists(path):
    os.unlink(path)
Server(path, Handler).serve_forever()
