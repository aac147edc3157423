#!/usr/bin/env python3
"""The HTML report in a real browser: headless Chromium loads it with JavaScript on and off.

usage: html_test.py ROOTLOCK_BINARY OUT_DIR
Run from the repository root. Writes OUT_DIR/report.html and OUT_DIR/report.png (the
screenshot, for a person to look at). Checks, for the bundled examples plus
tests/formats/tricky names.yaml (hostile names):
- no console message at all (errors, CSP violations: the page must not reach the network);
- the charts (inline SVG bars) and the findings table are in the DOM, one row per listed
  finding, hostile names shown as text, never as markup;
- JavaScript shows the filters and filters (report.html#q=php-fpm leaves one row);
- with JavaScript off, the table is all there and the filters stay hidden.
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

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


def chromium(binary, url, *extra):
    """Runs headless Chromium once; returns (stdout, console lines from stderr)."""
    with tempfile.TemporaryDirectory(prefix="rootlock-chromium-") as profile:
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                "--enable-logging=stderr", "--v=0", "--window-size=1400,1400", *extra, url]
        p = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=profile)
    if p.returncode != 0:
        sys.exit(f"chromium exited {p.returncode}: {p.stderr[-2000:]}")
    console = [line for line in p.stderr.splitlines() if ":CONSOLE" in line]
    return p.stdout, console


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
    dom_text, console = chromium(browser, url, "--dump-dom")
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
    filtered, console = chromium(browser, url + "#q=php-fpm", "--dump-dom")
    check(console == [], f"console messages (filtered): {console}")
    shown = [text for hidden, text in Dom(filtered).rows if not hidden]
    check(len(shown) == 1 and "php-fpm" in shown[0], f"filter php-fpm shows {len(shown)} rows")

    # JavaScript off: the whole table, no filters.
    nojs, console = chromium(browser, url, "--blink-settings=scriptEnabled=false", "--dump-dom")
    check(console == [], f"console messages (no JS): {console}")
    dom = Dom(nojs)
    check(len(dom.rows) == len(listed) and not any(h for h, _ in dom.rows),
          f"without JavaScript: {len(dom.rows)} rows, expected {len(listed)}")
    check(dom.filters_hidden is True, "without JavaScript the filters must stay hidden")
    check(dom.rects.get("chart-platform", 0) >= 4, "without JavaScript: no chart")

    # The screenshot, for a person.
    _, console = chromium(browser, url, f"--screenshot={shot}")
    check(console == [], f"console messages (screenshot): {console}")
    with open(shot, "rb") as f:
        png = f.read()
    check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, f"screenshot: {len(png)} bytes")

    for f in failures:
        print("FAIL:", f)
    print(f"html: {'broken' if failures else 'renders'}; screenshot {shot}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
