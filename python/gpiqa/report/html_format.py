"""Small pieces of the HTML page: escaping, number formats and tables of pandas rows."""
from __future__ import annotations

import base64
import html
import math
import re

import pandas as pd


def slug(text: str) -> str:
    """A name as an HTML id and file-name part: letters, digits, '-', '_', '+' and '.' kept, others '-'."""
    return re.sub(r"[^A-Za-z0-9_.+-]", "-", str(text))


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def number(value, digits: int = 3) -> str:
    """A float with `digits` significant digits ('-' for NaN); integers as they are."""
    if value is None:
        return "-"
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return str(value)
    try:
        v = float(value)
    except (TypeError, ValueError):
        return esc(value)
    if math.isnan(v):
        return "-"
    if v.is_integer() and abs(v) < 1e6:
        return f"{int(v)}"
    return f"{v:.{digits}g}"


def p_value(value) -> str:
    return number(value, 3)


def hazard_ratio(r, hr="hazard_ratio", low="ci_low", high="ci_high") -> str:
    if pd.isna(r[hr]):
        return "-"
    return f"{number(r[hr])} [{number(r[low])}, {number(r[high])}]"


def fraction_ci(r) -> str:
    """Kaplan-Meier survival with its interval, as the survival table gives it."""
    if r["runs"] == 0:
        return "-"
    if pd.isna(r["km_ci_low"]):
        return number(r["km_survival"], 2)
    return f"{r['km_survival']:.2f} [{r['km_ci_low']:.2f}, {r['km_ci_high']:.2f}]"


def table(rows: pd.DataFrame, columns, css: str = "", caption: str = "") -> str:
    """An HTML table of `rows`: columns are (header, column name or function of the row, 'num' or '' for the
    cell's alignment). Headers and cells are escaped unless a function returns markup (then it escapes)."""
    head = "".join(f'<th class="{kind}">{esc(h)}</th>' for h, _, kind in columns)
    body = []
    for _, r in rows.iterrows():
        cells = []
        for _, get, kind in columns:
            value = get(r) if callable(get) else number(r[get]) if kind == "num" else esc(r[get])
            cells.append(f'<td class="{kind}">{value}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table class="stats {css}">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def figure(key: str, png: bytes, title: str, caption: str) -> str:
    """A figure with its PNG inline (a data: URI): the page needs no file beside it."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure class="gpiqa-figure" id="fig-{esc(key)}"><img alt="{esc(title)}" '
            f'src="data:image/png;base64,{data}"><figcaption><b>{esc(title)}.</b> {esc(caption)}</figcaption>'
            f'</figure>')


def details(summary: str, content: str, open_: bool = False) -> str:
    return f'<details{" open" if open_ else ""}><summary>{summary}</summary>{content}</details>'
