"""One headless Chromium for a whole publish, driven over the DevTools protocol through a pipe.

:class:`Browser` starts Debian's ``chromium`` once with ``--remote-debugging-pipe``: the browser reads
NUL-terminated JSON commands on its fd 3 and writes NUL-terminated replies and events on its fd 4. No
websocket, no port, no Python dependency. Each page is opened in a new target, waited for until it has
loaded **and** every Plotly chart on it is drawn (:data:`READY_JS`, a check run in the page, bounded by a
per-page time limit, no fixed sleep), then printed (``Page.printToPDF`` with the page size of the CSS
``@page`` rule, backgrounds, no header or footer) or photographed (``Page.captureScreenshot``), and closed.
Several pages may be open at once (the methods are thread-safe), which :mod:`govreport.publish.site` uses
to keep both cores busy.

The browser has a throw-away profile and no network: a proxy that points nowhere and no host resolution
(:data:`CHROMIUM_FLAGS`), so a page can never fetch anything. Every failure is a one-line
:class:`~govreport.errors.GovreportError` naming the page and the fix: no Chromium on the PATH, a page that
is not ready within its time limit, a browser that died. The browser's whole process group is ended when
the ``with`` block ends, normally, on an error or on Ctrl-C: no orphan process is left.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..errors import GovreportError

__all__ = ["Browser", "BrowserError", "CHROMIUM_FLAGS", "READY_JS", "find_chromium"]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--hide-scrollbars",
    "--lang=zh-TW",
)

#: resolves once the document has loaded, every Plotly chart on it is drawn (plotly.js marks the div
#: ``js-plotly-plot`` and puts its ``svg.main-svg`` in it) and the web fonts are ready; polled in the page
READY_JS = """new Promise(function (resolve) {
  function drawn(d) { return d.classList.contains("js-plotly-plot") && d.querySelector(".main-svg"); }
  function tick() {
    var charts = document.querySelectorAll(".plotly-graph-div");
    if (document.readyState === "complete" && Array.prototype.every.call(charts, drawn)) {
      (document.fonts ? document.fonts.ready : Promise.resolve()).then(function () {
        setTimeout(function () { resolve(charts.length); }, 0);
      });
    } else {
      setTimeout(tick, 20);
    }
  }
  tick();
})"""

#: draws one figure (``%s``: its JSON) into the canvas page's div, replacing the one before; resolves once
#: drawn and the fonts are ready
_PLOT_JS = """(function () {
  var d = document.getElementById("c"), f = %s;
  Plotly.purge(d);
  return Plotly.newPlot(d, f.data, f.layout, {displayModeBar: false, staticPlot: true})
    .then(function () { return document.fonts ? document.fonts.ready : null; })
    .then(function () { return true; });
})()"""

_T = TypeVar("_T")

_FIX_BY_HAND = "run `chromium --headless --print-to-pdf=x.pdf <report>` by hand to see why"


class BrowserError(GovreportError):
    """Chromium could not open, draw or print a page, or it died."""


def find_chromium() -> str:
    """The Chromium executable, or a one-line error naming the fix."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        exe = shutil.which(name)
        if exe:
            return exe
    raise GovreportError(
        "--pdf needs headless Chromium, and no `chromium` is on the PATH",
        field="--pdf",
        fix="install it (`apt-get install chromium` on Debian/Ubuntu, plus "
        "fonts-noto-cjk for the Chinese text) or publish without --pdf",
    )


class _Closed(Exception):
    """The pipe closed: the browser exited."""


class _Timeout(Exception):
    """No reply or event within the time limit."""


class Browser:
    """One headless Chromium, started on ``with`` (or :meth:`start`), ended on leaving it (or :meth:`close`).

    ``timeout`` is each page's limit in seconds, from opening it to its PDF or picture being returned.
    """

    def __init__(self, chromium: str | None = None, *, timeout: float = 120.0) -> None:
        self.exe = chromium or find_chromium()
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self._ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._cond = threading.Condition()
        self._write = threading.Lock()
        self._replies: dict[int, tuple[int, dict[str, Any]]] = {}
        self._events: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._waiting: set[int] = set()
        self._closed = False
        self._profile: str | None = None
        self._log: Any = None
        self._wfd = self._rfd = -1
        self._canvas: tuple[str, str] | None = None  # (target, session) of the chart canvas, once opened
        self._canvas_lock = threading.Lock()

    # -- life cycle -------------------------------------------------------------------------------------
    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the browser (a new process group of its own, so that :meth:`close` ends all of it)."""
        self._profile = tempfile.mkdtemp(prefix="govreport-chromium-")
        self._log = tempfile.TemporaryFile(prefix="govreport-chromium-log-")  # noqa: SIM115 - closed in close()
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()

        def fds() -> None:  # in the child before exec: its fd 3 reads our commands, its fd 4 replies
            a, b = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        try:
            self.proc = subprocess.Popen(
                [
                    self.exe,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={self._profile}",
                    "--remote-debugging-pipe",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                pass_fds=(3, 4),
                preexec_fn=fds,  # noqa: PLW1509 - only os.dup/dup2, safe between fork and exec
                start_new_session=True,
            )
        except OSError as e:
            self._cleanup()
            raise BrowserError(
                f"Chromium ({self.exe}) could not be started: {e}",
                field="--pdf",
                fix="install it (`apt-get install chromium`) or publish without --pdf",
            ) from None
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        self._wfd, self._rfd = to_browser_w, from_browser_r
        threading.Thread(target=self._reader, name="govreport-chromium-pipe", daemon=True).start()
        try:
            self.send("Browser.getVersion", timeout=min(60.0, self.timeout))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Ask the browser to quit, then end its whole process group; remove the profile. Idempotent."""
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None and not self._closed:
                with contextlib.suppress(BaseException):
                    self._post("Browser.close", {})
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # the renderers and helpers too
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        self._cleanup()

    def _cleanup(self) -> None:
        for fd in (self._wfd, self._rfd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._wfd = self._rfd = -1
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def log_tail(self) -> str:
        """The last lines Chromium wrote to its stderr, on one line (for error messages)."""
        if self._log is None:
            return ""
        with contextlib.suppress(OSError, ValueError):
            self._log.seek(0)
            lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
            return " ".join(lines[-2:])[:300]
        return ""

    # -- the pipe ---------------------------------------------------------------------------------------
    def _reader(self) -> None:
        buf = bytearray()
        rfd = self._rfd
        while True:
            try:
                chunk = os.read(rfd, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                break
            start = len(buf)
            buf += chunk
            while (end := buf.find(b"\0", start)) >= 0:
                msg = json.loads(bytes(buf[:end]))
                del buf[: end + 1]
                start = 0
                self._dispatch(msg)
            start = len(buf)
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _dispatch(self, msg: dict[str, Any]) -> None:
        with self._cond:
            n = next(self._seq)
            if "id" in msg:
                if msg["id"] in self._waiting:  # else a reply nobody waits for any more (a timed-out page)
                    self._replies[msg["id"]] = (n, msg)
            elif msg.get("method") in ("Page.loadEventFired", "Inspector.targetCrashed"):
                self._events.setdefault(msg.get("sessionId", ""), []).append((n, msg))
            else:
                return
            self._cond.notify_all()

    def _post(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        i = next(self._ids)
        msg: dict[str, Any] = {"id": i, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode("utf-8") + b"\0"
        with self._cond:
            self._waiting.add(i)
        with self._write:
            if self._wfd < 0:
                raise _Closed
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self._wfd, view) :]
            except (BrokenPipeError, OSError):
                raise _Closed from None
        return i

    def _wait(self, found: Callable[[], _T | None], deadline: float) -> _T:
        """``found()``'s first answer that is not None (called under the lock, re-checked at each message)."""
        with self._cond:
            while (got := found()) is None:
                if self._closed:
                    raise _Closed
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Timeout
                self._cond.wait(left)
            return got

    def _reply(self, i: int, deadline: float) -> tuple[int, dict[str, Any]]:
        try:
            return self._wait(lambda: self._replies.pop(i, None), deadline)
        finally:
            with self._cond:
                self._waiting.discard(i)

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None, *, timeout: float
    ) -> dict[str, Any]:
        """Send one command and return its result (``_Closed``/``_Timeout``/:class:`BrowserError` else)."""
        return self._send(method, params or {}, session, time.monotonic() + timeout)[1]

    def _send(
        self, method: str, params: dict[str, Any], session: str | None, deadline: float
    ) -> tuple[int, dict[str, Any]]:
        n, msg = self._reply(self._post(method, params, session), deadline)
        if "error" in msg:
            raise BrowserError(f"Chromium refused {method}: {msg['error'].get('message', msg['error'])}")
        return n, msg.get("result", {})

    def _event(self, session: str, method: str, after: int, deadline: float) -> None:
        def seen() -> bool | None:
            for n, msg in self._events.get(session, []):
                if msg["method"] == "Inspector.targetCrashed":
                    raise BrowserError("the page's renderer crashed")
                if n > after and msg["method"] == method:
                    return True
            return None

        self._wait(seen, deadline)

    def _open(self, url: str, deadline: float, size: tuple[int, int] | None = None) -> tuple[str, str]:
        """A new target (``size``: its viewport in CSS pixels) that has loaded ``url``: (target, session).
        The target is closed again if it could not load."""
        target = self._send("Target.createTarget", {"url": "about:blank"}, None, deadline)[1]["targetId"]
        try:
            session = self._send(
                "Target.attachToTarget", {"targetId": target, "flatten": True}, None, deadline
            )[1]["sessionId"]
            if size:
                self._viewport(session, size, deadline)
            self._send("Page.enable", {}, session, deadline)
            n, nav = self._send("Page.navigate", {"url": url}, session, deadline)
            if nav.get("errorText"):
                raise BrowserError(f"Chromium could not open {url}: {nav['errorText']}")
            self._event(session, "Page.loadEventFired", n, deadline)
        except BaseException:
            self._close_target(target)
            raise
        return target, session

    def _viewport(self, session: str, size: tuple[int, int], deadline: float) -> None:
        params = {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False}
        self._send("Emulation.setDeviceMetricsOverride", params, session, deadline)

    def _close_target(self, target: str) -> None:
        if not self._closed:
            with contextlib.suppress(_Closed, OSError):
                self._post("Target.closeTarget", {"targetId": target})

    # -- pages ------------------------------------------------------------------------------------------
    def _run(self, page: Path, fragment: str, what: str, size: tuple[int, int] | None, act: Any) -> Any:
        """Open ``page`` in a new target, wait until it is ready, return ``act(session, deadline)``."""
        if self.proc is None:
            raise BrowserError("the browser is not running (use `with Browser() as b:`)", file=page)
        url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
        deadline = time.monotonic() + self.timeout
        target = session = None
        try:
            target, session = self._open(url, deadline, size)
            ready = self._send(
                "Runtime.evaluate", {"expression": READY_JS, "awaitPromise": True}, session, deadline
            )[1]
            if "exceptionDetails" in ready:
                raise BrowserError(f"the page {page} failed while drawing its charts", file=page)
            return act(session, deadline)
        except _Timeout:
            raise BrowserError(
                f"Chromium did not finish {what} {page} within {self.timeout:g} s "
                "(the page did not load or its charts were not drawn)",
                file=page,
                fix="open the page in a browser to check that it draws; "
                "if the machine is overloaded, publish again",
            ) from None
        except _Closed:
            code = self.proc.poll() if self.proc is not None else None
            raise BrowserError(
                f"Chromium exited (code {code}) while {what} {page}: {self.log_tail()}",
                file=page,
                fix=f"{_FIX_BY_HAND}; publish without --pdf meanwhile",
            ) from None
        except BrowserError as e:
            if e.file is None:
                raise BrowserError(f"{e.message} while {what} {page}", file=page, fix=_FIX_BY_HAND) from None
            raise
        finally:
            if target is not None:
                self._close_target(target)
            if session is not None:
                with self._cond:
                    self._events.pop(session, None)

    def pdf(self, page: Path, *, fragment: str = "") -> bytes:
        """``page`` (``#fragment`` appended, e.g. ``en``) printed to PDF, A4 or as its CSS ``@page`` says."""

        def act(session: str, deadline: float) -> bytes:
            out = self._send(
                "Page.printToPDF",
                {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False},
                session,
                deadline,
            )[1]
            return base64.b64decode(out["data"])

        return self._run(page, fragment, "printing", None, act)

    def plotly_png(self, figure: str, *, width: int, height: int) -> bytes:
        """A PNG of the Plotly figure ``figure`` (its JSON: ``{"data": …, "layout": …}``) at ``width`` ×
        ``height`` CSS pixels, drawn in one canvas page that loads plotly.js once for the browser's life
        (a page per chart parses plotly.js's 4.8 MB again each time). One chart at a time."""
        with self._canvas_lock:
            deadline = time.monotonic() + self.timeout
            try:
                if self._canvas is None:
                    self._canvas = self._open_canvas(deadline)
                session = self._canvas[1]
                self._viewport(session, (width, height), deadline)
                drawn = self._send(
                    "Runtime.evaluate",
                    {"expression": _PLOT_JS % figure, "awaitPromise": True},
                    session,
                    deadline,
                )[1]
                if "exceptionDetails" in drawn:
                    raise BrowserError("plotly.js could not draw the figure")
                out = self._send("Page.captureScreenshot", {"format": "png"}, session, deadline)[1]
                return base64.b64decode(out["data"])
            except BaseException as e:
                if self._canvas is not None:  # a fresh canvas for the next chart
                    self._close_target(self._canvas[0])
                self._canvas = None
                if isinstance(e, _Timeout):
                    raise BrowserError(f"Chromium did not draw a chart within {self.timeout:g} s") from None
                if isinstance(e, _Closed):
                    raise BrowserError(f"Chromium exited while drawing a chart: {self.log_tail()}") from None
                raise

    def _open_canvas(self, deadline: float) -> tuple[str, str]:
        from plotly.offline import get_plotlyjs  # lazy: only the Word edition's charts need plotly.js

        assert self._profile is not None
        page = Path(self._profile) / "govreport-canvas.html"
        page.write_text(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body { margin: 0; }</style>'
            f'<script>{get_plotlyjs()}</script></head><body><div id="c"></div></body></html>',
            encoding="utf-8",
        )
        return self._open(page.as_uri(), deadline)

    def screenshot(self, page: Path, *, width: int, height: int) -> bytes:
        """A PNG of the first ``width`` × ``height`` CSS pixels of ``page`` once its charts are drawn."""

        def act(session: str, deadline: float) -> bytes:
            out = self._send("Page.captureScreenshot", {"format": "png"}, session, deadline)[1]
            return base64.b64decode(out["data"])

        return self._run(page, "", "drawing", (width, height), act)
