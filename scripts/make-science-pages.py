#!/usr/bin/python3
"""Writes the results section of docs/science/mean-function-study.md and its figures from the tables of
analysis/gpiqa-report committed beside it, so that every number on the page comes from committed data.

    scripts/make-science-pages.py            rewrite the results section and the figures
    scripts/make-science-pages.py --check    exit 1 (one line per difference) when the committed section, or the
                                             values plotted in a committed figure, differ from what it would write

Data (docs/science/data/real-small-native/, as gpiqa-report writes them from the native build's run of
campaigns/mean-function-study-real-small.yaml): survival_by_start.csv, survival.csv, restoring.csv, and
baseline-NAME/pooled.csv from `gpiqa-report --baseline NAME` for NAME = MIN, MF1, reference.
The results section lies between the lines BEGIN and END below in the page. Each figure FIGURE.png has beside it
FIGURE.json, the values it plots; --check compares those (PNG bytes differ between matplotlib versions).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "docs", "science", "mean-function-study.md")
DATA = os.path.join(ROOT, "docs", "science", "data", "real-small-native")
FIGURES = os.path.join(ROOT, "docs", "science", "figures")
BEGIN = "<!-- BEGIN results: written by scripts/make-science-pages.py from docs/science/data; do not edit -->"
END = "<!-- END results -->"
BASELINES = ("MIN", "MF1", "reference")
Z = 1.959963984540054  # the 97.5% point of the normal distribution


def read(name: str) -> list[dict]:
    with open(os.path.join(DATA, name), newline="") as f:
        return list(csv.DictReader(f))


def number(text: str) -> float:
    return float(text) if text not in ("", None) else math.nan


def wilson(survived: int, runs: int) -> tuple[float, float]:
    """Wilson score interval at 95% (as statsmodels' proportion_confint(method="wilson"))."""
    if runs == 0:
        return math.nan, math.nan
    p = survived / runs
    centre = (p + Z * Z / (2 * runs)) / (1 + Z * Z / runs)
    half = Z * math.sqrt(p * (1 - p) / runs + Z * Z / (4 * runs * runs)) / (1 + Z * Z / runs)
    return max(0.0, centre - half), min(1.0, centre + half)


def in_order(values):
    return list(dict.fromkeys(values))


def fraction(survived: int, runs: int) -> str:
    if runs == 0:
        return "-"
    low, high = wilson(survived, runs)
    return f"{survived / runs:.2f} [{low:.2f}, {high:.2f}]"


def p_text(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:.2g}" if value >= 1e-3 else f"{value:.1e}"


def hr_text(row: dict) -> str:
    hr = number(row["hazard_ratio"])
    if math.isnan(hr):
        return row["note"] or "-"
    return f"{hr:.2g} [{number(row['ci_low']):.2g}, {number(row['ci_high']):.2g}]"


def survival_section(by_start: list[dict]) -> list[str]:
    out = []
    for molecule in in_order(r["molecule"] for r in by_start):
        rows = [r for r in by_start if r["molecule"] == molecule]
        energies = in_order(r["start_energy_kcal_mol"] for r in rows)
        temperatures = in_order(r["temperature_K"] for r in rows)
        out += [f"**{molecule}**, survival at the campaign's duration, {' and '.join(f'{float(t):g}' for t in temperatures)} K "
                f"pooled (fraction surviving [Wilson 95% interval]; starts per cell in the last row):", "",
                "| model | " + " | ".join(f"{float(e):g} kcal/mol" for e in energies) + " |",
                "|---|" + "---|" * len(energies)]
        counts = {}
        for model in in_order(r["model"] for r in rows):
            cells = []
            for e in energies:
                group = [r for r in rows if r["model"] == model and r["start_energy_kcal_mol"] == e]
                survived, runs = sum(int(r["survived"]) for r in group), sum(int(r["runs"]) for r in group)
                counts.setdefault(e, set()).add(runs)
                cells.append(fraction(survived, runs))
            out.append(f"| {model} | " + " | ".join(cells) + " |")
        out.append("| starts | " + " | ".join("-".join(str(n) for n in sorted({min(counts[e]), max(counts[e])}))
                                              for e in energies) + " |")
        invalid = sum(int(r["invalid_start"]) for r in rows)
        out += ["", f"Invalid starts (left out): {invalid} tasks of {molecule}.", ""]
    return out


def failures_section(survival: list[dict]) -> list[str]:
    out = ["| molecule | model | T (K) | runs | survived | collapsed / exploded / failed | invalid starts | "
           "Kaplan-Meier S(end) [95% CI] |", "|---|---|---|---|---|---|---|---|"]
    for r in survival:
        s = number(r["km_survival"])
        low, high = number(r["km_ci_low"]), number(r["km_ci_high"])
        km = "-" if math.isnan(s) else (f"{s:.2f}" if math.isnan(low) else f"{s:.2f} [{low:.2f}, {high:.2f}]")
        out.append(f"| {r['molecule']} | {r['model']} | {float(r['temperature_K']):g} | {r['runs']} | {r['censored']} | "
                   f"{r['collapsed']} / {r['exploded']} / {r['failed']} | {r['invalid_start']} | {km} |")
    return out


def paired_section(pooled: dict[str, list[dict]]) -> list[str]:
    out = []
    molecules = in_order(r["molecule"] for rows in pooled.values() for r in rows if r["molecule"] != "all")
    for molecule in molecules:
        out += [f"**{molecule}**:", "",
                "| model | baseline | pairs | b: only the baseline failed | c: only the model failed | McNemar p (Holm) | "
                "hazard ratio [95% CI] | Cox p (Holm) |", "|---|---|---|---|---|---|---|---|"]
        for baseline in BASELINES:
            for r in pooled[baseline]:
                if r["molecule"] != molecule or (baseline == "MF1" and r["model"] != "MF5"):
                    continue
                out.append(f"| {r['model']} | {baseline} | {r['pairs']} | {r['b_only_baseline_failed']} | "
                           f"{r['c_only_model_failed']} | {p_text(number(r['mcnemar_p_holm']))} | {hr_text(r)} | "
                           f"{p_text(number(r['p_value_holm']))} |")
        out.append("")
    return out


def restoring_section(restoring: list[dict]) -> list[str]:
    out = []
    for molecule in in_order(r["molecule"] for r in restoring):
        rows = [r for r in restoring if r["molecule"] == molecule]
        energies = in_order(r["start_energy_kcal_mol"] for r in rows)
        top = energies[-1]
        out += [f"**{molecule}**: mean share of displaced bonds whose forces point back toward equilibrium at the start "
                f"(`restoring_mean`), of the prior mean alone at {float(top):g} kcal/mol, and survival at "
                f"{float(top):g} kcal/mol among starts the model restored fully and the others:", "",
                "| model | " + " | ".join(f"restoring, {float(e):g} kcal/mol" for e in energies) +
                f" | prior alone, {float(top):g} | survival if restored / if not, {float(top):g} |",
                "|---|" + "---|" * (len(energies) + 2)]
        for model in in_order(r["model"] for r in rows):
            by_energy = {r["start_energy_kcal_mol"]: r for r in rows if r["model"] == model}
            cells = [f"{number(by_energy[e]['restoring_mean']):.2f}" for e in energies]
            t = by_energy[top]
            prior = number(t["restoring_prior_mean"])
            given = [number(t["survival_if_restoring"]), number(t["survival_if_not"])]
            cells.append("-" if math.isnan(prior) else f"{prior:.2f}")
            cells.append(" / ".join("-" if math.isnan(v) else f"{v:.2f}" for v in given))
            out.append(f"| {model} | " + " | ".join(cells) + " |")
        out.append("")
    return out


def figure_values(by_start: list[dict], molecule: str) -> dict:
    rows = [r for r in by_start if r["molecule"] == molecule]
    values = {"molecule": molecule, "temperatures_K": [float(t) for t in in_order(r["temperature_K"] for r in rows)],
              "models": in_order(r["model"] for r in rows), "points": {}}
    for model in values["models"]:
        values["points"][model] = {}
        for t in in_order(r["temperature_K"] for r in rows):
            pts = []
            for r in rows:
                if r["model"] == model and r["temperature_K"] == t and int(r["runs"]) > 0:
                    pts.append([float(r["start_energy_kcal_mol"]), round(number(r["fraction_surviving"]), 6),
                                round(number(r["wilson_low"]), 6), round(number(r["wilson_high"]), 6), int(r["runs"])])
            values["points"][model][f"{float(t):g}"] = pts
    return values


def draw(values: dict, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    temperatures = values["temperatures_K"]
    fig, axes = plt.subplots(1, len(temperatures), figsize=(4.2 * len(temperatures), 4.2), sharey=True, squeeze=False)
    styles = ["-o", "-s", "-^", "-v", "-D", "-P", "-X", "--o"]
    for ax, t in zip(axes[0], temperatures):
        for k, model in enumerate(values["models"]):
            pts = values["points"][model][f"{t:g}"]
            if not pts:
                continue
            x = [p[0] + (k - len(values["models"]) / 2) * 0.8 for p in pts]  # side by side, so bars do not overlap
            y = [p[1] for p in pts]
            err = [[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]]
            ax.errorbar(x, y, yerr=err, fmt=styles[k % len(styles)], ms=4, capsize=2, lw=1,
                        color="black" if model == "reference" else None, label=model)
        ax.set_title(f"{values['molecule']}, {t:g} K")
        ax.set_xlabel("start energy above the minimum (kcal/mol)")
        ax.set_ylim(-0.03, 1.03)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("fraction surviving (Wilson 95%)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def results_text() -> tuple[str, dict[str, dict]]:
    by_start = read("survival_by_start.csv")
    survival = read("survival.csv")
    restoring = read("restoring.csv")
    pooled = {b: read(os.path.join(f"baseline-{b}", "pooled.csv")) for b in BASELINES}
    for r in by_start:  # the Wilson interval here is the report's
        if int(r["runs"]) > 0:
            low, high = wilson(int(r["survived"]), int(r["runs"]))
            assert abs(low - max(0.0, number(r["wilson_low"]))) < 1e-9, r
            assert abs(high - min(1.0, number(r["wilson_high"]))) < 1e-9, r
    tasks = sum(int(r["runs"]) + int(r["invalid_start"]) + int(r["pending"]) for r in survival)
    pending = sum(int(r["pending"]) for r in survival)
    molecules = in_order(r["molecule"] for r in by_start)
    figures = {m: figure_values(by_start, m) for m in molecules}
    lines = [BEGIN, "",
             f"Native build (`cmake --preset release`), one run of `campaigns/mean-function-study-real-small.yaml`: "
             f"{tasks} tasks, {pending} pending. The tables are those of `docs/science/data/real-small-native/` "
             f"(`analysis/gpiqa-report` with `--baseline MIN`, `MF1` and `reference`). The comparison with a portable "
             f"build's run, which decides which of these differences are findings rather than one build's chaos, is "
             f"pending.", "",
             "### Survival against the start energy", ""]
    lines += survival_section(by_start)
    for m in molecules:
        lines += [f"![Survival of {m} against the start energy, per prior mean and temperature, native build]"
                  f"(figures/survival-vs-start-{m}.png)", ""]
    lines += ["### Outcomes per model and temperature", ""]
    lines += failures_section(survival)
    lines += ["", "### Paired statistics", "",
              "Pooled over temperatures and start energies, every pair its own stratum (stratified McNemar, "
              "pair-stratified Cox); Holm's correction over the models compared with the same baseline within a "
              "molecule. b > c and a hazard ratio below 1 favour the model.", ""]
    lines += paired_section(pooled)
    lines += ["### The restoring-force probe at the starts", ""]
    lines += restoring_section(restoring)
    lines.append(END)
    return "\n".join(lines) + "\n", figures


def split_page(text: str) -> tuple[str, str, str] | None:
    if BEGIN not in text or END not in text:
        return None
    head, rest = text.split(BEGIN, 1)
    body, tail = rest.split(END, 1)
    return head, BEGIN + body + END + "\n", tail.lstrip("\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    section, figures = results_text()
    page = open(PAGE, encoding="utf-8").read()
    parts = split_page(page)
    rel = os.path.relpath(PAGE, ROOT)
    if parts is None:
        print(f"{rel}: has no results section between '{BEGIN}' and '{END}'")
        return 1
    head, committed, tail = parts
    if args.check:
        problems = []
        if committed != section:
            have, want = committed.splitlines(), section.splitlines()
            line = next((i for i, (a, b) in enumerate(zip(have, want)) if a != b), min(len(have), len(want)))
            offset = head.count("\n") + 1
            problems.append(f"{rel}:{offset + line}: the results section differs from what the tables give "
                            f"(run scripts/make-science-pages.py)")
        for molecule, values in figures.items():
            base = os.path.join(FIGURES, f"survival-vs-start-{molecule}")
            for ext in (".png", ".json"):
                if not os.path.exists(base + ext):
                    problems.append(f"{os.path.relpath(base + ext, ROOT)}: missing (run scripts/make-science-pages.py)")
            if os.path.exists(base + ".json") and json.load(open(base + ".json")) != values:
                problems.append(f"{os.path.relpath(base + '.json', ROOT)}: the plotted values differ from the tables "
                                f"(run scripts/make-science-pages.py)")
        for p in problems:
            print(p)
        return 1 if problems else 0
    open(PAGE, "w", encoding="utf-8").write(head + section + ("\n" + tail if tail else ""))
    os.makedirs(FIGURES, exist_ok=True)
    for molecule, values in figures.items():
        base = os.path.join(FIGURES, f"survival-vs-start-{molecule}")
        with open(base + ".json", "w") as f:
            json.dump(values, f, indent=1)
            f.write("\n")
        draw(values, base + ".png")
    print(f"wrote the results section of {rel} and {len(figures)} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
