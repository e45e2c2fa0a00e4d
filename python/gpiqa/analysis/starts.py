"""The start of each task: the stratum that paired comparisons hold fixed.

Every model variant of one (molecule, temperature, seed) starts from the same geometry and velocities (the random
stream is keyed by molecule, temperature and seed, not by model), so runs pair by (molecule, temperature, start,
seed). What the start is comes from the campaign's `start:` mapping, stored in the results file's `campaign_yaml`
attribute (the /tasks table records only what a start reached, `start_energy_above_minimum_kcal_mol`):

  controlled    energy_above_minimum_kcal_mol: E    label "E kcal/mol", start_energy_kcal_mol = E; every task
                reached E within 1% (run/start.hpp). A list of targets is a sweep: each task belongs to the target
                nearest its recorded start energy (by the reference, else by the potential itself).
  displaced     displace_angstrom: d, displace_mode: m      label "displaced d A (m)", start energy NaN
  frames        frames: FILE                                 label "frames FILE" (+ displacement), start energy NaN
  none          no start mapping, or d = 0                   label "equilibrium"
  unknown       a table without campaign_yaml                label "the campaign's start"

Only the keys gpiqa's campaign schema accepts under `start:` are read (campaign/campaign_spec.hpp), from a flow
mapping (`start: {...}`) or an indented block, so no YAML library is needed for this one mapping.
"""
from __future__ import annotations

import math
import os
import re

import numpy as np
import pandas as pd

START_KEYS = ("displace_angstrom", "displace_mode", "energy_above_minimum_kcal_mol", "frames")
NOT_MADE = "(pending: start not made yet)"


def _strip_comment(line: str) -> str:
    """The line without a YAML comment (a '#' at the start or after whitespace, outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def _split_top_level(text: str) -> list[str]:
    """`text` split at commas outside brackets and quotes."""
    parts, depth, quote, current = [], 0, None, ""
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += ch
    if current.strip():
        parts.append(current)
    return parts


def _scalar(text: str):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    try:
        return float(text)
    except ValueError:
        return text


def _value(text: str):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(p) for p in _split_top_level(text[1:-1])]
    return _scalar(text)


def start_settings(yaml_text: str) -> dict:
    """The campaign's `start:` mapping as {key: number, string or list}; {} when the campaign has none."""
    lines = [_strip_comment(line).rstrip() for line in yaml_text.splitlines()]
    for i, line in enumerate(lines):
        m = re.match(r"start\s*:(.*)$", line)
        if not m:
            continue
        rest = m.group(1).strip()
        settings = {}
        if rest.startswith("{"):  # flow mapping, possibly over several lines
            text, j = rest, i
            while text.count("{") > text.count("}") and j + 1 < len(lines):
                j += 1
                text += " " + lines[j].strip()
            for item in _split_top_level(text[text.index("{") + 1:text.rindex("}")]):
                key, _, value = item.partition(":")
                settings[key.strip()] = _value(value)
            return settings
        key = None  # block mapping: the indented lines that follow
        for block_line in lines[i + 1:]:
            if not block_line.strip():
                continue
            if not block_line[0].isspace():
                break
            stripped = block_line.strip()
            if stripped.startswith("- ") and key is not None:
                settings.setdefault(key, [])
                if isinstance(settings[key], list):
                    settings[key].append(_scalar(stripped[2:]))
                continue
            key, _, value = stripped.partition(":")
            key = key.strip()
            if value.strip():
                settings[key] = _value(value)
        return settings
    return {}


def _energy_label(energy: float) -> str:
    return f"{energy:g} kcal/mol"


def describe_start(settings: dict) -> tuple[list[float], str]:
    """(targets of a controlled start, in kcal/mol; empty otherwise) and the label of a start that is not controlled."""
    energy = settings.get("energy_above_minimum_kcal_mol")
    if energy is not None:
        targets = energy if isinstance(energy, list) else [energy]
        return [float(e) for e in targets], ""
    displace = float(settings.get("displace_angstrom", 0.0) or 0.0)
    mode = settings.get("displace_mode", "gaussian")
    moved = f"displaced {displace:g} A ({mode})" if displace > 0 else ""
    if "frames" in settings:
        label = f"frames {os.path.basename(str(settings['frames']))}"
        return [], f"{label}, {moved}" if moved else label
    return [], moved or "equilibrium"


def start_strata(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of the /tasks table with two columns: `start` (the start's label) and `start_energy_kcal_mol` (the
    controlled start's target, NaN for other starts)."""
    out = df.copy()
    if "campaign_yaml" in df.attrs:
        targets, label = describe_start(start_settings(str(df.attrs["campaign_yaml"])))
    else:  # a table without its campaign: one start per (molecule, temperature)
        targets, label = [], "the campaign's start"
    if not targets:
        out["start"] = label
        out["start_energy_kcal_mol"] = math.nan
        return out
    if "start_energy_target_kcal_mol" in df and np.isfinite(df["start_energy_target_kcal_mol"].to_numpy(float)).all():
        # gpiqa records each task's target since start energies became a campaign axis: no guessing
        energies = df["start_energy_target_kcal_mol"].to_numpy(float)
        out["start"] = [_energy_label(float(e)) for e in energies]
        out["start_energy_kcal_mol"] = energies
        return out
    if len(targets) == 1:
        out["start"] = _energy_label(targets[0])
        out["start_energy_kcal_mol"] = targets[0]
        return out
    reached = np.full(len(df), np.nan)
    for column in ("start_model_energy_above_minimum_kcal_mol", "start_energy_above_minimum_kcal_mol"):
        if column in df:  # the reference's energy where there is one, else the potential's own
            values = df[column].to_numpy(dtype=float)
            reached = np.where(np.isfinite(values), values, reached)
    target_array = np.array(targets)
    energies, labels = [], []
    for value, status in zip(reached, df["status"]):
        if np.isfinite(value):
            target = float(target_array[np.argmin(np.abs(target_array - value))])
            energies.append(target)
            labels.append(_energy_label(target))
        else:
            energies.append(math.nan)
            labels.append(NOT_MADE if status == "pending" else "(start energy not recorded)")
    out["start"] = labels
    out["start_energy_kcal_mol"] = energies
    return out
