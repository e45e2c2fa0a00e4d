"""index.html: the whole report on one self-contained page. Figures are inline PNG (data: URIs), the style and
script are inline (assets/page.css, page.js, selftest.js), and the per-task table is inline JSON
(task_table): the page opens from disk and fetches nothing.

The page's first script records every error (window errors, failed resources, rejected promises,
console.error) in window.gpiqaErrors. Opened as index.html#selftest, the page checks itself after loading
(assets/selftest.js): no recorded error, every figure the manifest lists present, decoded and not blank, the
task table rendered, and a filter that narrows its rows; the verdict is written into the page as
<pre id="gpiqa-selftest" data-status="pass|fail">, which `chromium --headless --dump-dom` prints."""
from __future__ import annotations

import json
from importlib import resources

from . import html_sections as sections
from .html_format import esc, figure, slug
from ..analysis.results_file import frames_recorded
from .task_table import NO_FRAMES, task_table_json

ERROR_HOOK = """window.gpiqaErrors = [];
(function () {
  function note(text) { window.gpiqaErrors.push(String(text)); }
  window.addEventListener("error", function (e) {
    var t = e.target;
    note(t && t !== window && t.tagName ? "failed to load " + t.tagName.toLowerCase() + (t.id ? " #" + t.id : "")
                                        : (e.message || "error") + (e.lineno ? " (line " + e.lineno + ")" : ""));
  }, true);
  window.addEventListener("unhandledrejection", function (e) { note("unhandled rejection: " + e.reason); });
  var original = console.error;
  console.error = function () {
    note(Array.prototype.map.call(arguments, String).join(" "));
    return original.apply(console, arguments);
  };
})();"""


def asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _script(text: str) -> str:
    return "<script>" + text.replace("</script", "<\\/script") + "</script>"


def _json(element_id: str, value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), allow_nan=False)
    text = text.replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _frames_note(df) -> str:
    recorded = frames_recorded(df.attrs["path"])
    if not recorded:
        return (f"{NO_FRAMES['none'].capitalize()}; to look at a run, open its row: its replay campaign runs it "
                f"again, the same to the last bit, and records its frames.")
    return (f"{len(recorded)} of {len(df)} tasks have frames: <code>gpiqa export</code> writes them as extended "
            f"XYZ (ASE, OVITO) or H5MD (MDAnalysis); gpiqa.results.open(FILE).frames(ID) reads them in Python.")


def page(df, t, figures: list) -> str:
    """The page's HTML text."""
    html_of = {f.key: figure(f.key, f.png, f.title, f.caption) for f in figures}
    for f in figures:
        f.html = html_of[f.key]
    name = str(df.attrs.get("campaign_name", ""))
    results_path = df.attrs["path"]
    molecules = list(dict.fromkeys(df["molecule"]))
    survival_keys = ("km-", "start-heatmap-", "survival-vs-start-", "ttf-")
    diagnostic_keys = ("restoring-", "variance-")
    body = [sections.campaign_section(df, t, html_of), sections.survival_section(t, html_of)]
    nav = [("campaign", "Campaign"), ("survival", "Survival")]
    for molecule in molecules:
        mine = [f for f in figures if f.section == molecule and f.key.startswith(survival_keys)]
        key = slug(molecule)
        body.append(sections.molecule_section(molecule, key, mine))
        nav.append((f"molecule-{key}", molecule))
    body.append(sections.paired_section(t))
    nav.append(("paired", "Paired statistics"))
    if t.agreement is not None:
        body.append(sections.agreement_section(t, results_path))
        nav.append(("agreement", "Agreement"))
    body.append(sections.diagnostics_section(t, [f for f in figures if f.key.startswith(diagnostic_keys)]))
    nav.append(("diagnostics", "Diagnostics"))
    traces = [f for f in figures if f.section == "traces"]
    if traces:
        body.append('<section id="traces"><h2>Traces of recorded runs</h2><div class="figure-grid">'
                    + "".join(f.html for f in traces) + "</div></section>")
        nav.append(("traces", "Traces"))
    body.append(sections.tasks_section(results_path, _frames_note(df)))
    nav.append(("tasks", "Tasks"))
    pending = int((df["status"] == "pending").sum())
    manifest = {"campaign": name, "tasks": len(df), "pending": pending, "figures": [f.key for f in figures]}
    links = " ".join(f'<a href="#{esc(k)}">{esc(v)}</a>' for k, v in nav)
    header = (f'<header><h1>gpiqa report: {esc(name)}</h1><p class="meta"><code>{esc(results_path)}</code>: '
              f'{len(df)} tasks, {t.tau_ps:g} ps per run; written by gpiqa {esc(df.attrs.get("software_version", "?"))}'
              f', campaign started {esc(df.attrs.get("created", "?"))}.</p>{sections.progress_banner(df, t)}'
              f'<nav>{links}</nav></header>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>gpiqa report: {esc(name)}</title>{_script(ERROR_HOOK)}<style>{asset('page.css')}</style></head>"
            f"<body>{header}<main>{''.join(body)}</main>"
            f"{_json('gpiqa-manifest', manifest)}{_json('gpiqa-tasks', task_table_json(df, t.starts))}"
            f"{_script(asset('page.js'))}{_script(asset('selftest.js'))}</body></html>\n")


def write(path: str, df, t, figures: list) -> None:
    text = page(df, t, figures)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
