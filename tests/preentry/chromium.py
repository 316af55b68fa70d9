"""Headless Chromium driven over the DevTools protocol through a pipe (--remote-debugging-pipe).

No third-party client and no debugging port: commands go to the browser on its fd 3, answers and
events come back on its fd 4, each JSON message ended by a NUL byte. The browser runs with its own
profile directory and is stopped by its PID.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from processes import stop_process

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio",
         "--remote-debugging-pipe"]


# key: (code, Windows virtual key code, text it types)
_KEYS = {"Tab": ("Tab", 9, None), "Enter": ("Enter", 13, "\r"), " ": ("Space", 32, " "),
         "ArrowDown": ("ArrowDown", 40, None), "ArrowUp": ("ArrowUp", 38, None)}


class CdpError(RuntimeError):
    pass


class Chromium:
    """One browser process; `page()` opens a tab to talk to."""

    def __init__(self, profile_dir: Path, timeout_s: float = 30) -> None:
        self.timeout_s = timeout_s
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        command = " ".join([CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}"])
        # bash (dash takes no fd numbers over 9) puts our pipe ends on the fds Chromium
        # expects, then becomes Chromium.
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {command} 3<&{to_browser_r} 4>&{from_browser_w}"],
            pass_fds=(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout_s
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def pump(self, seconds: float) -> None:
        """Collect events for a while (e.g. network requests after an action)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                message = self._read(deadline)
            except TimeoutError:
                return
            if "method" in message:
                self.events.append(message)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise CdpError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def page(self, width: int = 360, height: int = 800, scale: float = 2) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        page.send("Page.enable")
        page.send("Runtime.enable")
        page.send("Network.enable")
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": scale,
                   "mobile": width < 600})
        return page

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (CdpError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        stop_process(self.process)
        os.close(self._to_browser)
        os.close(self._from_browser)


class Page:
    def __init__(self, browser: Chromium, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (awaited if it is a promise)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise CdpError(f"JavaScript failed: {text}")
        return result["result"].get("value")

    def goto(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'")

    def wait_for(self, expression: str, timeout_s: float = 10) -> Any:
        deadline = time.monotonic() + timeout_s
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout_s} s: {expression}")
            time.sleep(0.05)

    def focus(self, selector: str) -> None:
        found = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                              " if (!e) return false; e.focus(); return true; })()")
        if not found:
            raise CdpError(f"no element {selector}")

    def type(self, selector: str, text: str) -> None:
        """Focus a field, select what it holds, and type as a keyboard or an IME commit does."""
        self.focus(selector)
        self.evaluate("document.activeElement.select && document.activeElement.select()")
        self.send("Input.insertText", {"text": text})

    def choose(self, selector: str, value: str) -> None:
        """Pick an option of a <select>, as a person does (the page sees a change event)."""
        picked = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            f" if (!e) return null; e.focus(); e.value = {json.dumps(value)};"
            " e.dispatchEvent(new Event('change', {bubbles: true})); return e.value; })()")
        if picked != value:
            raise CdpError(f"{selector} has no option {value!r}")

    def key(self, key: str) -> None:
        """Press and release one key, as the keyboard sends it (Tab, Enter, space, arrows)."""
        code, key_code, text = _KEYS[key]
        params = {"key": key, "code": code, "windowsVirtualKeyCode": key_code}
        self.send("Input.dispatchKeyEvent",
                  {"type": "keyDown", **params, **({"text": text} if text else {})})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **params})

    def click(self, selector: str) -> None:
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        if box is None:
            raise CdpError(f"no element {selector}")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                   "button": "left", "clickCount": 1})

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.evaluate("[document.documentElement.scrollWidth,"
                                 " document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path
