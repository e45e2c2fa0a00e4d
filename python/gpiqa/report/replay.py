"""Replaying one task of a campaign, bit for bit and with frames: a one-task campaign made from the campaign's
own YAML (the results file keeps it in its campaign_yaml attribute), run with `gpiqa run`.

Why that reproduces the task: a task's random numbers (start displacement, initial velocities, thermostat noise)
come from a Philox stream keyed by its seed and by a hash of its molecule's name, its temperature and its seed
(campaign/task.hpp: names and values, not positions in the campaign), and every other input of the run is its
molecule's and model's entries, md, start and stability. A campaign of that molecule entry, that model entry,
temperatures_K: [T], seeds: [S], the same md and stability, the start with the task's own start energy, runs the
same trajectory; output.frames_every only adds frames. `gpiqa md` cannot do this: it keys its stream by the seed
alone and has no option for the other key, so a `gpiqa md` run with the task's settings starts elsewhere.

Not possible: a campaign whose starts are frames of a file (start.frames: seed i starts from frame i, by the
seed's position in the list), and a file without its campaign YAML (or without PyYAML to read it). Relative
paths in a molecule's entry are relative to the campaign's YAML file: the replay file must be saved beside it.

The page fills REPLAY's template per row (`{id}`, `{molecule}`, `{model}`, `{start}`, `{T}`, `{seed}`);
replay_yaml() does the same in Python.
"""
from __future__ import annotations

import json
import math
import os

FRAMES_IN_REPLAY = 1000  # about this many frames when the campaign recorded none
PATH_KEYS = ("geometry", "models", "reference")


def _flow(value) -> str:
    """A value as YAML flow text (JSON is YAML); integers stay integers, floats keep every digit."""
    return json.dumps(value, separators=(", ", ": "))


def campaign_mapping(yaml_text: str):
    """The campaign YAML as a mapping, or (None, why not)."""
    try:
        import yaml
    except ImportError:
        return None, "PyYAML (Debian: python3-yaml) is needed to read the campaign"
    try:
        mapping = yaml.safe_load(yaml_text)
    except yaml.YAMLError as e:
        return None, f"the campaign YAML does not parse ({str(e).splitlines()[0]})"
    if not isinstance(mapping, dict) or not isinstance(mapping.get("molecules"), dict) or not isinstance(
            mapping.get("models"), dict):
        return None, "the campaign YAML has no molecules and models mappings"
    return mapping, ""


def replay_plan(df, starts, start_values: list) -> dict:
    """What the page needs to show each row's replay: {"possible": False, "why": ...}, or the template and the
    YAML entries of the molecules, models and starts (lists in the order of the task table's values)."""
    yaml_text = str(df.attrs.get("campaign_yaml", ""))
    if not yaml_text:
        return {"possible": False, "why": "the results file does not record its campaign YAML"}
    campaign, why = campaign_mapping(yaml_text)
    if campaign is None:
        return {"possible": False, "why": why}
    start = dict(campaign.get("start") or {})
    if "frames" in start:
        return {"possible": False, "why": "start.frames gives each seed the frame of its position in the seeds "
                                          "list, which a one-task campaign would not keep"}
    molecules, models = list(dict.fromkeys(df["molecule"])), list(dict.fromkeys(df["model"]))
    missing = [m for m in molecules if m not in campaign["molecules"]] + [m for m in models if m not in campaign["models"]]
    if missing:
        return {"possible": False, "why": f"the campaign YAML has no entry for {', '.join(missing)}"}
    md = dict(campaign.get("md") or {})
    output = dict(campaign.get("output") or {})
    frames_every = int(output.get("frames_every", 0) or 0)
    if frames_every <= 0:
        steps = float(md.get("duration_ps", 10.0)) * 1000.0 / float(md.get("timestep_fs", 0.5))
        frames_every = max(1, int(math.ceil(steps / FRAMES_IN_REPLAY)))
    energies = {}
    targets = df.get("start_energy_target_kcal_mol")
    for label, target in zip(starts, targets if targets is not None else [math.nan] * len(df)):
        energies.setdefault(label, target)
    start_entries = []
    for label in start_values:
        mine = {k: v for k, v in start.items() if k != "energy_above_minimum_kcal_mol"}
        target = energies.get(label, math.nan)
        if "energy_above_minimum_kcal_mol" in start:
            if target is None or not math.isfinite(float(target)):
                return {"possible": False, "why": "the file does not record each task's start energy"}
            mine["energy_above_minimum_kcal_mol"] = float(target)
        start_entries.append(_flow(mine))
    lines = ["name: replay-task{id}", "molecules:", "  {molecule}", "models:", "  {model}", "temperatures_K: [{T}]",
             "seeds: [{seed}]"]
    if md:
        lines.append(f"md: {_flow(md)}")
    lines.append("start: {start}")
    if campaign.get("stability"):
        lines.append(f"stability: {_flow(campaign['stability'])}")
    lines.append(f'output: {{"file": "replay-task{{id}}.h5", "frames_every": {frames_every}}}')
    relative = any(isinstance(entry, dict) and any(
        isinstance(entry.get(k), str) and not os.path.isabs(entry[k]) for k in PATH_KEYS)
        for entry in (campaign["molecules"][m] for m in molecules))
    return {"possible": True, "template": "\n".join(lines) + "\n",
            "molecules": [f"{_flow(m)}: {_flow(campaign['molecules'][m])}" for m in molecules],
            "models": [f"{_flow(m)}: {_flow(campaign['models'][m])}" for m in models],
            "starts": start_entries, "beside_campaign": relative,
            "run": "gpiqa run replay-task{id}.yaml",
            "export": "gpiqa export replay-task{id}.h5 --task 0 --out task{id}.extxyz"}


def _number(value) -> str:
    """A number as the page's JSON gives it to its script (integers without a decimal point)."""
    v = float(value)
    return str(int(v)) if v.is_integer() else repr(v)


def replay_yaml(plan: dict, table: dict, row: int) -> str:
    """Row `row`'s replay campaign, filled in as the page's script fills it (table: task_table's object)."""
    data = table["data"]
    text = plan["template"]
    for key, value in (("{molecule}", plan["molecules"][data["molecule"][row]]),
                       ("{model}", plan["models"][data["model"][row]]), ("{start}", plan["starts"][data["start"][row]]),
                       ("{T}", _number(data["temperature_K"][row])), ("{seed}", _number(data["seed"][row])),
                       ("{id}", str(data["task_id"][row]))):
        text = text.replace(key, value)
    return text
