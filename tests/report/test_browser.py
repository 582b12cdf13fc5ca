"""The validation report in a real browser: headless Chromium, driven over the DevTools protocol.

How "the page makes no network request" is checked, and why this way: Chromium is started with
``--remote-debugging-pipe``, which speaks the DevTools protocol (the same JSON messages as its
websocket, NUL-separated) over file descriptors 3 and 4 — no port, no websocket library, nothing
listening. The test enables the Network domain on the page *before* navigating to the report's
file:// URL, so every request the page makes (stylesheet, font, image, script, iframe, prefetch,
even one a Content-Security-Policy then blocks) is announced as ``Network.requestWillBeSent``; the
test asserts the only one is the file itself. The browser's own background traffic is not the
page's and is not counted (it is turned off by the launch flags anyway), and
``--proxy-server=127.0.0.1:9`` makes sure nothing could leave the machine even if it were made.
A control test feeds the same harness a page with one remote image and expects it to be caught,
so the check is known to be able to fail.

The screenshot goes to artifacts/ at the repository root (git-ignored).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import REPO, SEED

pytestmark = pytest.mark.browser

# Debian's package (what .ci/run installs), else the names other systems use; TRAWL_CHROMIUM wins.
CHROMIUM = os.environ.get("TRAWL_CHROMIUM") or next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None,
)
if CHROMIUM is None:
    pytest.skip(
        "headless Chromium is not installed (Debian: apt-get install chromium; .ci/run does it): "
        "the browser test of the report is skipped",
        allow_module_level=True,
    )

ARTIFACTS = REPO / "artifacts"
ERROR_RED = "rgb(164, 22, 26)"  # --error in templates/report.css
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--window-size=1400,1000",
]


class Browser:
    """Headless Chromium with one page, driven over the DevTools pipe."""

    def __init__(self, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="trawl-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def fds_3_and_4() -> None:  # in the child: the pipe ends become fds 3 and 4
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={self.profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            preexec_fn=fds_3_and_4,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Network.enable", session=True)
        self.call("Page.enable", session=True)

    # -- protocol ---------------------------------------------------------------------------
    def _send(self, method: str, params: dict, session: bool) -> int:
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        return self._next_id

    def _until(self, done) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                msg = json.loads(raw)
                if "method" in msg:
                    self.events.append(msg)
                if done(msg):
                    return msg
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk

    def call(self, method: str, session: bool = False, **params) -> dict:
        mid = self._send(method, params, session)
        reply = self._until(lambda m: m.get("id") == mid)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    # -- page -------------------------------------------------------------------------------
    def open(self, path: Path) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=path.resolve().as_uri())
        if not any(e["method"] == "Page.loadEventFired" for e in self.events):  # not seen yet
            self._until(lambda m: m.get("method") == "Page.loadEventFired")
        self.evaluate("new Promise(r => setTimeout(r, 300))")  # let late fetches show up

    def evaluate(self, expression: str):
        result = self.call(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def requested_urls(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]

    def screenshot(self, path: Path, *, at: str | None = None, height: int = 2400) -> None:
        """A PNG of ``height`` pixels of the page, from the top or from the element ``at``.

        Not the whole page: the seed report is some 40,000 pixels tall, too tall to look at and
        slow to encode; the top (header, summary, strategy) and the place under test show how
        the page reads.
        """
        top = 0
        if at is not None:
            top = self.evaluate(
                f"Math.max(0, document.querySelector({json.dumps(at)}).getBoundingClientRect().top"
                " + window.scrollY - 40)"
            )
        shot = self.call(
            "Page.captureScreenshot",
            session=True,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": top, "width": 1400, "height": height, "scale": 1},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        try:
            self._send("Browser.close", {}, False)
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - make sure the process is gone whatever happened
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._to_child)
            os.close(self._from_child)
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def seed_workspace(tmp_path_factory) -> Path:
    from trawl.report.example import build_example_workspace

    return build_example_workspace(tmp_path_factory.mktemp("seed") / "psw-coproduction")


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


# -- the report pages under test -----------------------------------------------------------------

PAGE_FACTS = """(() => {
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const targets = [...document.querySelectorAll('section.target')].map(s => ({
    target: s.dataset.target,
    column: [...s.querySelectorAll('th[data-target]')].map(th => th.dataset.target),
    statements: [...s.querySelectorAll('tr.line[data-statement]:not(.added)')].map(tr => +tr.dataset.statement),
    written: [...s.querySelectorAll('tr.line[data-statement]:not(.added) > td:nth-child(2)')].map(td => td.textContent),
    rendered: s.querySelectorAll('td.rendered').length,
  }));
  const sourceLines = [...document.querySelectorAll('#strategy tr.line')].map(tr => +tr.dataset.line);
  const sourceTexts = [...document.querySelectorAll('#strategy tr.line > td.code')].map(td => td.textContent);
  const diags = [...document.querySelectorAll('#strategy tr.diagnostics li.diag')].map(li => ({
    line: li.dataset.line, code: li.dataset.code, severity: li.classList[1],
    visible: visible(li), color: getComputedStyle(li).color, text: li.textContent }));
  return { targets, sourceLines, sourceTexts, diags, checklist: document.querySelectorAll('#prisma-s tr[data-item]').length,
           title: document.title };
})()"""


def _report(tmp_path: Path, name: str, **kw) -> Path:
    from trawl.report.data import gather
    from trawl.report.html import render_html

    path = tmp_path / name
    path.write_text(render_html(gather(**kw)), encoding="utf-8")
    return path


def test_detector_catches_a_remote_request(browser, tmp_path):
    """Control: the harness sees a page's remote requests, even those the report's own
    Content-Security-Policy blocks (Chromium announces them, then fails them as "csp")."""
    from trawl.report.html import CONTENT_SECURITY_POLICY

    page = tmp_path / "leaky.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        f'content="{CONTENT_SECURITY_POLICY}"><style>body{{background:url(http://example.invalid/'
        'bg.png)}</style></head><body><img src="http://example.invalid/x.png"></body></html>',
        encoding="utf-8",
    )
    browser.open(page)
    urls = browser.requested_urls()
    assert "http://example.invalid/x.png" in urls and "http://example.invalid/bg.png" in urls


def test_seed_report_in_chromium(browser, seed_workspace, tmp_path):
    from trawl.query import parse_strategy
    from trawl.review import Review

    review = Review.load(seed_workspace)
    text = (seed_workspace / review.strategy).read_text(encoding="utf-8")
    strategy = parse_strategy(text)
    expected_targets = [s.target for s in review.sources.values()]

    page = _report(tmp_path, "seed-report.html", workspace=seed_workspace)
    browser.open(page)
    assert browser.requested_urls() == [page.resolve().as_uri()]  # the file, and nothing else

    facts = browser.evaluate(PAGE_FACTS)
    numbers = [s.number for s in strategy.statements]
    # every line of the strategy, exactly as written, in the strategy section ...
    assert facts["sourceTexts"] == text.splitlines()
    assert facts["sourceLines"] == list(range(1, len(text.splitlines()) + 1))
    # ... and beside its rendering in every target's column
    assert [t["target"] for t in facts["targets"]] == expected_targets
    for t in facts["targets"]:
        assert t["column"] == [t["target"]]
        assert t["statements"] == numbers, t["target"]
        assert t["written"] == text.splitlines(), t["target"]
        assert t["rendered"] >= len(numbers), t["target"]  # each line has its rendering
    assert facts["checklist"] == 16
    browser.screenshot(ARTIFACTS / "report-seed.png")
    browser.screenshot(ARTIFACTS / "report-seed-scopus.png", at="#target-scopus")


def test_as_published_report_shows_line_2_in_chromium(browser, seed_workspace, tmp_path):
    page = _report(
        tmp_path,
        "as-published-report.html",
        workspace=seed_workspace,
        strategy=SEED / "as-published.txt",
    )
    browser.open(page)
    assert browser.requested_urls() == [page.resolve().as_uri()]

    facts = browser.evaluate(PAGE_FACTS)
    on_line_2 = [d for d in facts["diags"] if d["line"] == "2"]
    assert any(d["severity"] == "error" for d in on_line_2), facts["diags"]
    for d in on_line_2:
        assert d["visible"], d
        assert d["code"] in d["text"]
    # coloured by severity: an error in the report's error red, anything else not
    assert {d["color"] for d in on_line_2 if d["severity"] == "error"} == {ERROR_RED}
    assert ERROR_RED not in {d["color"] for d in facts["diags"] if d["severity"] != "error"}
    # every target shows the lines the error cannot reach, rendered, and says what it left out
    for t in facts["targets"]:
        assert t["statements"] == list(range(1, 50)), t["target"]
        assert t["rendered"] == 45, t["target"]  # all but 2 and the lines built on it: 14, 48, 49
    browser.screenshot(ARTIFACTS / "report-as-published.png", at="#src-1", height=1400)


def test_strategy_only_report_in_chromium(browser, tmp_path):
    """An empty workspace: the sections with nothing yet say "not run", visibly."""
    ws = tmp_path / "only-a-strategy"
    ws.mkdir()
    (ws / "strategy.ovid").write_bytes((SEED / "strategy.ovid").read_bytes())
    page = _report(tmp_path, "strategy-only.html", workspace=ws)
    browser.open(page)
    assert browser.requested_urls() == [page.resolve().as_uri()]
    notes = browser.evaluate(
        "['runs', 'provenance', 'prisma-flow'].map(id => "
        "document.querySelector('#' + id + ' .state').textContent)"
    )
    assert notes == ["not run", "not run", "not run"]
