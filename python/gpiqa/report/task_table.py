"""The page's per-task table as compact JSON: one array per column (text columns as codes into their list of
values), read by the page's script, which shows, sorts and filters it a page of rows at a time. A
28,800-task campaign is about 1.5 MB this way, and the page stays quick because only the shown rows are in
the DOM.

Each row offers the command that exports its frames (`gpiqa export FILE --task ID --out taskID.extxyz`, for
ASE and OVITO; `--format h5md` for MDAnalysis) where the file holds them, and says why not where it does not;
and the one-task campaign that replays it bit for bit with frames (replay.py), or why it cannot. It offers no
`gpiqa md` command line: `gpiqa md` cannot take a campaign task's random stream (MD_NOT_A_REPLAY).
"""
from __future__ import annotations

import json
import math
import shlex

import numpy as np
import pandas as pd

from ..analysis.results_file import STATUSES, frames_recorded
from .replay import replay_plan, replay_yaml
from .tables import DECIMAL, reason_kind

MD_NOT_A_REPLAY = ("not with gpiqa md: a campaign task's random stream is keyed by its molecule, temperature and "
                   "seed, and gpiqa md has no option for that key, so a gpiqa md run with the task's settings starts "
                   "from other velocities")
NO_FRAMES = {
    "pending": "no frames yet: the task has not run",
    "none": "no frames: the campaign recorded none (output.frames_every: 0)",
    "missing": "no frames recorded for this task",
}

# (key, header, type, filter): type cat (a text column, coded) or num (numbers; null for none); filter choice (a
# list of the column's values), text (part of the text, or a number expression: 300, >2.5, 1-10, none) or few
# (a choice when the column has few values, else text)
COLUMNS = [("task_id", "task", "num", "text"), ("molecule", "molecule", "cat", "choice"),
           ("model", "model", "cat", "choice"), ("temperature_K", "T (K)", "num", "few"),
           ("start", "start", "cat", "few"), ("seed", "seed", "num", "text"), ("status", "status", "cat", "choice"),
           ("reason", "reason", "cat", "text"), ("time_to_failure_ps", "time to failure (ps)", "num", "text")]


def _codes(values: pd.Series, order: list) -> tuple[list, list]:
    index = {v: i for i, v in enumerate(order)}
    return order, [index[v] for v in values]


def _start_order(df: pd.DataFrame, starts: pd.Series) -> list:
    """The start labels by start energy where the start has one, else in campaign order."""
    firsts = pd.DataFrame({"start": starts.to_numpy(), "e": df.get("start_energy_target_kcal_mol",
                                                                   pd.Series(np.nan, index=df.index)).to_numpy()})
    firsts = firsts.drop_duplicates("start")
    energies = firsts["e"].to_numpy(dtype=float)
    order = np.lexsort((np.arange(len(firsts)), np.where(np.isfinite(energies), energies, np.inf)))
    return firsts["start"].to_numpy()[order].tolist()


def _numbers(values, decimals: int | None = None) -> list:
    out = []
    for v in np.asarray(values, dtype=float):
        if math.isnan(v):
            out.append(None)
        elif decimals is None and v.is_integer():
            out.append(int(v))
        else:
            out.append(round(float(v), decimals if decimals is not None else 6))
    return out


def _reasons(reasons: pd.Series) -> tuple[list, list, list]:
    """The reasons as (kinds, kind code per row, numbers per row): a reason is its kind (tables.reason_kind: the
    numbers as '#'), in alphabetical order, with the row's numbers put back in order (reason_text), so that the
    many reasons that differ only in a measured number share one text. A reason that has a '#' of its own is its
    own kind, without numbers."""
    split = []
    for reason in reasons:
        if "#" in reason or not reason:
            split.append((reason, ""))
        else:
            split.append((reason_kind(reason), " ".join(m.group(0) for m in DECIMAL.finditer(reason))))
    kinds = sorted({kind for kind, _ in split})
    index = {kind: i for i, kind in enumerate(kinds)}
    return kinds, [index[kind] for kind, _ in split], [numbers for _, numbers in split]


def reason_text(kind: str, numbers: str) -> str:
    """A row's reason from its kind and numbers, as the page's script rebuilds it."""
    if not numbers:
        return kind
    parts = kind.split("#")
    values = numbers.split(" ")
    return parts[0] + "".join(v + p for v, p in zip(values, parts[1:]))


def task_table(df: pd.DataFrame, starts: pd.Series) -> dict:
    """The table's JSON object: `n` rows, `columns` [{key, label, type, filter}], `values` (the list of each text
    column), `data` (one array per column), the frames and commands of every row."""
    path = df.attrs["path"]
    data, values = {}, {}
    orders = {"molecule": list(dict.fromkeys(df["molecule"])), "model": list(dict.fromkeys(df["model"])),
              "status": [s for s in STATUSES if s in set(df["status"])], "start": _start_order(df, starts)}
    for key, _, kind, _ in COLUMNS:
        if key == "reason":
            values[key], data[key], data["reason_numbers"] = _reasons(df["reason"])
        elif kind == "cat":
            column = starts if key == "start" else df[key]
            values[key], data[key] = _codes(column, orders[key])
        else:
            decimals = 4 if key == "time_to_failure_ps" else None
            data[key] = _numbers(df[key], decimals)
    recorded = frames_recorded(path)
    pending = (df["status"] == "pending").to_numpy()
    # per row: 0 export possible, 1 pending, 2 the campaign records no frames, 3 none recorded for this task
    frames = np.where(df["task_id"].isin(recorded).to_numpy(), 0, np.where(pending, 1, 3 if recorded else 2))
    table = {
        "n": len(df), "columns": [{"key": k, "label": h, "type": t, "filter": f} for k, h, t, f in COLUMNS],
        "values": values, "data": data,
        # one code for every row when they share it (a finished campaign), else a code per row
        "frames": int(frames[0]) if len(set(frames.tolist())) == 1 else frames.astype(int).tolist(),
        "export": f"gpiqa export {shlex.quote(path)} --task {{id}} --out task{{id}}.extxyz",
        "export_h5md": f"gpiqa export {shlex.quote(path)} --task {{id}} --format h5md --out task{{id}}.h5",
        "no_frames": [None, NO_FRAMES["pending"], NO_FRAMES["none"], NO_FRAMES["missing"]],
        "replay": replay_plan(df, starts, values["start"]), "md_note": MD_NOT_A_REPLAY,
        "failure_statuses": ["collapsed", "exploded", "failed"],
    }
    if table["replay"]["possible"] and len(df):  # row 0 filled in here, for the page's self-test
        table["replay_example"] = {"row": 0, "yaml": replay_yaml(table["replay"], table, 0)}
    return table


def task_table_json(df: pd.DataFrame, starts: pd.Series) -> str:
    """task_table as JSON that is safe inside a <script> element."""
    text = json.dumps(task_table(df, starts), separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/")
