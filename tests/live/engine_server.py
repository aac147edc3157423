"""What the test engines share: a JSON-answering handler that refuses every POST
(rootlock must never change anything) and a threaded HTTP server on a unix socket."""
import http.server
import json
import os
import socketserver


class EngineHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # rootlock must never change anything
        self.send(500, {"message": "rootlock sent a POST"})
        os._exit(3)


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        request, _ = super().get_request()
        return request, ("local", 0)


def serve(path, handler):
    """Serves `handler` (an EngineHandler subclass) on the unix socket `path`, forever."""
    if os.path.exists(path):
        os.unlink(path)
    _Server(path, handler).serve_forever()
