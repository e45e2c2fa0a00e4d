"""A report page in a real browser: headless Chromium (Debian's package chromium) runs the page's self-test
(index.html#selftest, assets/selftest.js) or takes a screenshot.

    python3 -m gpiqa.report.browser check report/index.html        # exit 0: pass; 1: fail (it says why)
    python3 -m gpiqa.report.browser screenshot report/index.html shot.png [--width 1280 --height 1800]

check() loads the page with --dump-dom and reads two things: the self-test's verdict, which the page writes into
itself (<pre id="gpiqa-selftest" data-status=...>: recorded errors, missing, undecodable or blank figures, a
task table that does not filter or sort), and every console message Chromium logs on stderr (the page logs
none of its own, so any message is a problem: an error from a script that never reached the self-test). A page
that writes no verdict fails too.

Chromium runs with a fresh profile and without the background services that would try the network (flags
below); as root it needs --no-sandbox.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio"]
VERDICT = re.compile(r'<pre id="gpiqa-selftest" data-status="(\w+)">(.*?)</pre>', re.S)


class BrowserMissing(RuntimeError):
    """No Chromium on PATH."""


@dataclass
class Verdict:
    """What the browser said of a page: passed, the self-test's problems and recorded errors, the console
    messages Chromium logged, and what the self-test checked (figures, tasks, the filter it tried)."""
    passed: bool
    problems: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    console: list = field(default_factory=list)
    checked: dict = field(default_factory=dict)

    def __str__(self):
        if self.passed:
            return f"pass: {json.dumps(self.checked)}"
        return "fail: " + "; ".join(self.problems + [f"error: {e}" for e in self.errors]
                                    + [f"console: {c}" for c in self.console])


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise BrowserMissing("no Chromium found (Debian: apt-get install chromium)")


def run(args: list, timeout_s: float = 180) -> subprocess.CompletedProcess:
    """Chromium with FLAGS, a fresh profile and `args`."""
    with tempfile.TemporaryDirectory(prefix="gpiqa-chromium-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=timeout_s)


def _console(stderr: str) -> list:
    """The console messages of Chromium's stderr log: lines '[...:INFO:CONSOLE(LINE)] "MESSAGE", source: URL'."""
    return [line.split("] ", 1)[-1] for line in stderr.splitlines() if ":CONSOLE" in line]


def check(page: str | os.PathLike, timeout_s: float = 180) -> Verdict:
    """Opens `page` as page#selftest in headless Chromium and returns the verdict (see the module docstring)."""
    url = Path(page).resolve().as_uri() + "#selftest"
    done = run(["--enable-logging=stderr", "--v=0", "--dump-dom", url], timeout_s)
    console = _console(done.stderr)
    found = VERDICT.search(done.stdout)
    if not found:
        return Verdict(False, [f"no self-test verdict in the page (Chromium exit {done.returncode}; its script did "
                               f"not run or the page did not load)"], console=console)
    verdict = json.loads(html.unescape(found.group(2)))
    return Verdict(found.group(1) == "pass" and not console, verdict.get("problems", []), verdict.get("errors", []),
                   console, verdict.get("checked", {}))


def screenshot(page: str | os.PathLike, png: str | os.PathLike, width: int = 1280, height: int = 1800,
               timeout_s: float = 180) -> None:
    """A PNG of the top `height` CSS pixels of `page` at `width`."""
    done = run(["--hide-scrollbars", f"--window-size={width},{height}", f"--screenshot={Path(png).resolve()}",
                Path(page).resolve().as_uri()], timeout_s)
    if not Path(png).exists():
        raise RuntimeError(f"chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-400:]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m gpiqa.report.browser", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="run the page's self-test")
    c.add_argument("page")
    s = sub.add_parser("screenshot", help="a PNG of the page's top")
    s.add_argument("page")
    s.add_argument("png")
    s.add_argument("--width", type=int, default=1280)
    s.add_argument("--height", type=int, default=1800)
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            verdict = check(args.page)
            print(f"{args.page}: {verdict}")
            return 0 if verdict.passed else 1
        screenshot(args.page, args.png, args.width, args.height)
        print(f"{args.png}: screenshot of {args.page}")
        return 0
    except (BrowserMissing, RuntimeError, subprocess.TimeoutExpired) as e:
        print(f"gpiqa.report.browser: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
