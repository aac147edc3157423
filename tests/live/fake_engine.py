#!/usr/bin/env python3
"""A Docker Engine API stand-in on a unix socket, for the two cases a real engine
cannot be made to show here: an API version too old, and a container removed
between the list and its inspect. Answers are the exact wire format of the
Engine API reference (GET /version, /containers/json, /containers/{id}/json).

usage: fake_engine.py SOCKET_PATH MODE   (MODE: old-api | vanishing)
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_server import EngineHandler, serve  # noqa: E402

path, mode = sys.argv[1], sys.argv[2]

CONTAINER = {
    "Id": "b" * 64, "Name": "/survivor", "Platform": "linux",
    "Config": {"Image": "busybox"}, "HostConfig": {"ReadonlyRootfs": True, "Tmpfs": {"/tmp": ""}},
    "Mounts": [],
}

class Handler(EngineHandler):
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

serve(path, Handler)
