"""The report page in a real browser (headless Chromium, Debian's chromium): its self-test passes on the report of
a real campaign, and the check fails on each thing it exists to catch, done deliberately to a copy of the page:
an image whose data is corrupt, a blank figure, a missing figure, a script error, a console error, and a task
table whose filter does not narrow the rows."""
import base64
import io
import re
import shutil

import pytest

from gpiqa.report import browser

IMAGE = re.compile(r'(<figure class="gpiqa-figure" id="fig-([^"]+)"><img alt="[^"]*" src="data:image/png;base64,)'
                   r'([A-Za-z0-9+/=]+)(")')


@pytest.fixture(scope="module")
def page(report_dir):
    if shutil.which("chromium") is None:
        pytest.skip("SKIPPED: chromium not installed (scripts/ensure-deps.sh test installs it)")
    return (report_dir / "index.html").read_text()


def broken(tmp_path, text):
    path = tmp_path / "index.html"
    path.write_text(text)
    return browser.check(path)


def test_report_passes_its_self_test_in_chromium(page, report_dir):
    verdict = browser.check(report_dir / "index.html")
    assert verdict.passed, str(verdict)
    checked = verdict.checked
    assert checked["figures"] == len(IMAGE.findall(page)) >= 10
    assert checked["tasks"] == 48
    assert checked["filter"]["matching"] == checked["filter"]["expected"] < checked["filter"]["total"] == 48
    assert checked["sorted"] == 48


def test_check_fails_on_a_corrupted_image(page, tmp_path):
    first = IMAGE.search(page)
    data = first.group(3)
    corrupt = data[:8] + "A" * 64 + data[72:]  # the PNG signature and header overwritten
    verdict = broken(tmp_path, page[:first.start(3)] + corrupt + page[first.end(3):])
    assert not verdict.passed
    assert f"figure {first.group(2)}: does not decode" in verdict.problems, str(verdict)


def test_check_fails_on_a_blank_figure(page, tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(6, 3))  # a figure with nothing drawn: white
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    blank = base64.b64encode(buffer.getvalue()).decode()
    matches = list(IMAGE.finditer(page))
    victim = matches[len(matches) // 2]
    verdict = broken(tmp_path, page[:victim.start(3)] + blank + page[victim.end(3):])
    assert not verdict.passed
    assert any(p.startswith(f"figure {victim.group(2)}: blank") for p in verdict.problems), str(verdict)


def test_check_fails_on_a_missing_figure(page, tmp_path):
    victim = IMAGE.search(page)
    end = page.index("</figure>", victim.start()) + len("</figure>")
    verdict = broken(tmp_path, page[:victim.start()] + page[end:])
    assert not verdict.passed
    assert f"figure {victim.group(2)}: missing" in verdict.problems, str(verdict)


def test_check_fails_on_a_script_error_and_a_console_error(page, tmp_path):
    verdict = broken(tmp_path, page.replace("<main>", "<main><script>undefinedReportFunction();</script>", 1))
    assert not verdict.passed
    assert any("undefinedReportFunction" in e for e in verdict.errors), str(verdict)
    verdict = broken(tmp_path, page.replace("<main>", '<main><script>console.error("figure data lost")</script>', 1))
    assert not verdict.passed
    assert any("figure data lost" in e for e in verdict.errors), str(verdict)
    assert any("figure data lost" in c for c in verdict.console)  # Chromium's own log says it too


def test_check_fails_when_the_filter_does_not_narrow(page, tmp_path):
    line = "keep = tests[k](i);  /* filter */"
    assert page.count(line) == 1
    verdict = broken(tmp_path, page.replace(line, "keep = true;  /* filter */"))
    assert not verdict.passed
    assert any(re.match(r"task table: filter \w+ = .* leaves 48 of 48 rows, not the \d+ that match", p)
               for p in verdict.problems), str(verdict)


def test_page_that_never_runs_its_script_fails(page, tmp_path):
    verdict = broken(tmp_path, page.replace('if (location.hash === "#selftest")', "if (false)"))
    assert not verdict.passed and "no self-test verdict" in verdict.problems[0]
