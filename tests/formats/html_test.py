#!/usr/bin/env python3
"""The HTML report in a real browser: headless Chromium loads it with JavaScript on and off.

usage: html_test.py ROOTLOCK_BINARY OUT_DIR
Run from the repository root. Writes OUT_DIR/report.html and OUT_DIR/report.png (the
screenshot, for a person to look at). Checks, for the bundled examples plus
tests/formats/tricky names.yaml (hostile names):
- no console message at all (errors, CSP violations: the page must not reach the network);
- the charts (inline SVG bars) and the findings table are in the DOM, one row per listed
  finding, hostile names shown as text, never as markup;
- JavaScript shows the filters and filters (report.html#q=php-fpm leaves php-fpm's rows);
- with JavaScript off, the table is all there and the filters stay hidden.
"""
import base64
import html.parser
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

INPUTS = ["examples", "tests/formats/tricky names.yaml"]
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_COLOR="1")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("chromium is missing: run scripts/install-deps.sh")


class DevTools:
    """A minimal Chrome DevTools Protocol client over a WebSocket (stdlib only)."""

    def __init__(self, ws_url):
        u = urllib.parse.urlparse(ws_url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           ).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"DevTools handshake failed: {head!r}")
        self.next_id = 0
        self.events = []

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            data += chunk
        return data

    def _frame(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            size = b1 & 0x7F
            if size == 126:
                size = struct.unpack(">H", self._read(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self._read(8))[0]
            message += self._read(size)
            if b0 & 0x80:  # FIN
                return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        head = bytes([0x81])
        if len(payload) < 126:
            head += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)
        while True:
            msg = self._frame()
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, event):
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._frame())


CONSOLE_EVENTS = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")


def chromium(binary, url, *extra, screenshot=False, evaluate=None, width=1400):
    """Loads `url` in headless Chromium (launched with `extra` flags) and returns its DOM,
    read through DevTools (DOM.getOuterHTML works with JavaScript off, where --dump-dom
    does not), every console message, exception and log entry the page caused, and with
    `screenshot` a PNG of the window (Page.captureScreenshot, as --screenshot takes it), with
    `evaluate` the value of that JavaScript expression in the page (DevTools evaluates it
    even with the page's JavaScript off). The window is `width` pixels wide."""
    # Chromium's helper processes may still write to the profile as it shuts down: a
    # cleanup that meets a file appearing must not fail the test (Python 3.10+).
    with tempfile.TemporaryDirectory(prefix="rootlock-chromium-",
                                     ignore_cleanup_errors=True) as profile:
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                "--enable-logging=stderr", "--v=0", f"--window-size={width},1400",
                "--remote-debugging-port=0", *extra, "about:blank"]
        with open(os.path.join(profile, "stderr"), "w+") as err:
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, cwd=profile)
            try:
                port_file = os.path.join(profile, "DevToolsActivePort")
                deadline = time.time() + 60
                while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
                    if time.time() > deadline or proc.poll() is not None:
                        err.seek(0)
                        sys.exit(f"chromium did not start: {err.read()[-2000:]}")
                    time.sleep(0.05)
                with open(port_file) as f:
                    port = int(f.readline())
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as r:
                    page = next(t for t in json.load(r) if t["type"] == "page")
                tools = DevTools(page["webSocketDebuggerUrl"])
                for domain in ("Page", "Runtime", "Log"):
                    tools.call(f"{domain}.enable")
                tools.events.clear()  # about:blank's, if any
                tools.call("Page.navigate", url=url)
                tools.wait_for("Page.loadEventFired")
                root = tools.call("DOM.getDocument", depth=-1)["root"]["nodeId"]
                dom = tools.call("DOM.getOuterHTML", nodeId=root)["outerHTML"]
                shot = value = None
                if evaluate:
                    value = tools.call("Runtime.evaluate", expression=evaluate,
                                       returnByValue=True)["result"].get("value")
                if screenshot:
                    shot = base64.b64decode(tools.call("Page.captureScreenshot",
                                                       format="png")["data"])
                tools.call("Runtime.evaluate", expression="0")  # flush pending console events
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            err.seek(0)
            logged = [line for line in err.read().splitlines() if ":CONSOLE" in line]
    console = [e for e in tools.events if e.get("method") in CONSOLE_EVENTS] + logged
    return dom, console, shot, value


class Dom(html.parser.HTMLParser):
    """What the tests look at in a DOM dump: rows, their hidden flags, charts, scripts."""

    def __init__(self, text):
        super().__init__()
        self.rows = []          # (hidden, text) of each tbody row of #findings
        self.rects = {}         # chart id -> number of <rect class="pass|fail">
        self.scripts = 0
        self.filters_hidden = None
        self.count_text = ""
        self._in_table = self._in_tbody = False
        self._row = None
        self._chart = None
        self._in_count = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "figure" and a.get("id", "").startswith("chart-"):
            self._chart = a["id"]
            self.rects[self._chart] = 0
        if tag == "rect" and self._chart and a.get("class") in ("pass", "fail"):
            self.rects[self._chart] += 1
        if tag == "div" and a.get("id") == "filters":
            self.filters_hidden = "hidden" in a
        if tag == "span" and a.get("id") == "filter-count":
            self._in_count = True
        if tag == "table" and a.get("id") == "findings":
            self._in_table = True
        if tag == "tbody" and self._in_table:
            self._in_tbody = True
        if tag == "tr" and self._in_tbody:
            self._row = ["hidden" in a, ""]

    def handle_endtag(self, tag):
        if tag == "figure":
            self._chart = None
        if tag == "span":
            self._in_count = False
        if tag == "tr" and self._row is not None:
            self.rows.append(tuple(self._row))
            self._row = None
        if tag == "tbody":
            self._in_tbody = False
        if tag == "table":
            self._in_table = False

    def handle_data(self, data):
        if self._row is not None:
            self._row[1] += data
        if self._in_count:
            self.count_text += data


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, out_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    browser = chromium_binary()
    os.makedirs(out_dir, exist_ok=True)
    page = os.path.join(out_dir, "report.html")
    shot = os.path.join(out_dir, "report.png")
    for p in (page, shot):
        if os.path.exists(p):
            os.remove(p)
    p = subprocess.run([binary, "scan", "-q", "-o", f"html={page}"] + INPUTS, env=ENV,
                       capture_output=True, text=True)
    check(p.returncode == 1 and p.stdout == "", f"rootlock: exit {p.returncode}, {p.stderr}")
    contract = json.loads(subprocess.run([binary, "scan", "--format", "json"] + INPUTS, env=ENV,
                                         capture_output=True, text=True).stdout)
    listed = [f for f in contract["findings"]
              if f["rule"] == "read-only-root-fs" or f["status"] in ("fail", "error")]
    url = "file://" + page

    # JavaScript on.
    dom_text, console, _, _ = chromium(browser, url)
    check(console == [], f"console messages: {console}")
    dom = Dom(dom_text)
    check(len(dom.rows) == len(listed), f"{len(dom.rows)} rows, expected {len(listed)}")
    check(not any(hidden for hidden, _ in dom.rows), "rows hidden with no filter")
    check(dom.rects.get("chart-platform", 0) >= 4, f"platform chart bars: {dom.rects}")
    check(dom.rects.get("chart-group", 0) >= 4, f"namespace/family chart bars: {dom.rects}")
    check(dom.filters_hidden is False, "JavaScript did not show the filters")
    check(dom.count_text == f"{len(listed)} of {len(listed)} shown", f"count: {dom.count_text!r}")
    check(dom.scripts == 1, f"{dom.scripts} <script> elements: a hostile name became markup")
    check(any("web<script>alert('x')</script>" in text for _, text in dom.rows),
          "the hostile name is not shown as text")
    for f in listed:
        check(any(f"{f['file']}:{f['line']}:{f['column']}" in text for _, text in dom.rows),
              f"no row for {f['file']}:{f['line']}")

    # JavaScript filters: the page opens filtered by its #q= fragment.
    filtered, console, _, _ = chromium(browser, url + "#q=php-fpm")
    check(console == [], f"console messages (filtered): {console}")
    shown = [text for hidden, text in Dom(filtered).rows if not hidden]
    # php-fpm's read-only failure and its run-as-non-root warning, nothing else.
    check(len(shown) == 2 and all("php-fpm" in t for t in shown),
          f"filter php-fpm shows {len(shown)} rows")

    # JavaScript off: the whole table, no filters.
    nojs, console, _, _ = chromium(browser, url, "--blink-settings=scriptEnabled=false")
    check(console == [], f"console messages (no JS): {console}")
    dom = Dom(nojs)
    check(len(dom.rows) == len(listed) and not any(h for h, _ in dom.rows),
          f"without JavaScript: {len(dom.rows)} rows, expected {len(listed)}")
    check(dom.filters_hidden is True, "without JavaScript the filters must stay hidden")
    check(dom.rects.get("chart-platform", 0) >= 4, "without JavaScript: no chart")

    # The screenshot, for a person.
    # 1280 px wide: no horizontal scrolling, failing containers before everything else.
    layout = ("JSON.stringify({scroll: document.documentElement.scrollWidth, "
              "client: document.documentElement.clientWidth, "
              "first: document.querySelector('h2').textContent, "
              "workloads: document.querySelectorAll('#failing section.workload').length, "
              "remedies: Array.from(document.querySelectorAll('#failing ul.remedy'))"
              ".map(function (u) { return u.textContent; })})")
    _, console, _, value = chromium(browser, url, evaluate=layout, width=1280)
    check(console == [], f"console messages (1280 px): {console}")
    shape = json.loads(value)
    check(shape["scroll"] <= shape["client"],
          f"at 1280 px the page scrolls sideways: {shape['scroll']} > {shape['client']}")
    check(shape["first"] == "Failing containers", f"first section: {shape['first']!r}")
    workloads = {(f["file"], f["namespace"], f["resource"]) for f in contract["findings"]
                 if f["status"] == "fail"}
    check(shape["workloads"] == len(workloads),
          f"{shape['workloads']} failing workloads shown, expected {len(workloads)}")
    check(any("emptyDir volume at /tmp" in r for r in shape["remedies"]),
          f"no concrete Kubernetes remedy: {shape['remedies'][:3]}")
    check(any("/var/cache/nginx" in r for r in shape["remedies"]),
          "the paths known for the nginx image are not in its remedy")
    with open(page) as f:
        head = f.read(4096)
    check("unsafe-inline" not in head and "script-src 'sha256-" in head,
          "the Content-Security-Policy must allow the script by hash, not 'unsafe-inline'")

    _, console, png, _ = chromium(browser, url, screenshot=True, width=1280)
    check(console == [], f"console messages (screenshot): {console}")
    with open(shot, "wb") as f:
        f.write(png)
    check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, f"screenshot: {len(png)} bytes")

    for f in failures:
        print("FAIL:", f)
    print(f"html: {'broken' if failures else 'renders'}; screenshot {shot}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
