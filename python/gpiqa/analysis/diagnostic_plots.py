"""Figures that look into a molecule's failures (matplotlib, Agg backend): survival by start and temperature,
the distribution of failure times, and the posterior-variance and restoring-force diagnostics at and before a
failure. Each returns a figure, or None when the campaign has nothing to draw (no failures, no variance)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .plots import LINE_STYLES  # noqa: E402
from .results_file import FAILURE_KINDS, NOT_OBSERVED  # noqa: E402

OUTCOME_COLOURS = {"survived": "#4c9a2a", "failed": "#c53030"}


def _start_order(mol: pd.DataFrame) -> list:
    """The starts of a survival_by_start table, by start energy (starts without one last, in campaign order)."""
    firsts = mol.drop_duplicates("start")
    energies = firsts["start_energy_kcal_mol"].to_numpy(dtype=float)
    order = np.lexsort((np.arange(len(firsts)), np.where(np.isfinite(energies), energies, np.inf)))
    return firsts["start"].to_numpy()[order].tolist()


def start_temperature_heatmap_figure(by_start: pd.DataFrame, molecule: str):
    """Fraction surviving to the end (survival_by_start: runs with an observed outcome) per start (rows, by start
    energy) and temperature (columns), one panel per model; each cell says survived/runs."""
    mol = by_start[by_start["molecule"] == molecule]
    models = list(dict.fromkeys(mol["model"]))
    starts, temps = _start_order(mol), sorted(set(mol["temperature_K"]))
    fig, axes = plt.subplots(1, len(models), squeeze=False, sharey=True,
                             figsize=(1.8 + 1.0 * len(temps) * len(models), 1.4 + 0.5 * len(starts)))
    image = None
    for ax, model in zip(axes[0], models):
        grid = np.full((len(starts), len(temps)), np.nan)
        text = np.full(grid.shape, "-", dtype=object)
        for _, r in mol[mol["model"] == model].iterrows():
            i, j = starts.index(r["start"]), temps.index(r["temperature_K"])
            if r["runs"] > 0:
                grid[i, j] = r["fraction_surviving"]
                text[i, j] = f"{r['survived']}/{r['runs']}"
        image = ax.imshow(grid, vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
        for i in range(len(starts)):
            for j in range(len(temps)):
                ax.text(j, i, text[i, j], ha="center", va="center", fontsize=7)
        ax.set_xticks(range(len(temps)), [f"{t:g}" for t in temps], fontsize=7)
        ax.set_xlabel("temperature (K)", fontsize=8)
        ax.set_title(model, fontsize=9)
    axes[0][0].set_yticks(range(len(starts)), starts, fontsize=7)
    axes[0][0].set_ylabel("start", fontsize=8)
    bar = fig.colorbar(image, ax=axes[0].tolist(), shrink=0.9)
    bar.set_label("fraction surviving\n(survived/runs)", fontsize=8)
    return fig


def ttf_figure(df: pd.DataFrame, molecule: str):
    """Histograms of the failure times (time_to_failure_ps) of one molecule, a panel per temperature, a step
    histogram per model; log-spaced bins when the times span more than two decades. None without failures."""
    tau = float(df.attrs["duration_ps"])
    mol = df[(df["molecule"] == molecule) & ~df["status"].isin(NOT_OBSERVED)]
    failed = mol[mol["status"].isin(FAILURE_KINDS)]
    times = failed["time_to_failure_ps"].to_numpy(dtype=float)
    times = times[np.isfinite(times)]
    if len(times) == 0:
        return None
    low = max(times.min(), tau * 1e-6)
    logarithmic = times.max() / low > 100
    bins = np.geomspace(low, tau, 25) if logarithmic else np.linspace(0, tau, 25)
    temps = list(dict.fromkeys(mol["temperature_K"]))
    fig, axes = plt.subplots(1, len(temps), figsize=(4.2 * len(temps), 3.2), sharey=True, squeeze=False)
    for ax, temperature in zip(axes[0], temps):
        here = mol[mol["temperature_K"] == temperature]
        for k, (model, g) in enumerate(here.groupby("model", sort=False)):
            t = g.loc[g["status"].isin(FAILURE_KINDS), "time_to_failure_ps"].to_numpy(dtype=float)
            ax.hist(np.clip(t, bins[0], bins[-1]), bins=bins, histtype="step", lw=1.6, color=f"C{k % 10}",
                    ls=LINE_STYLES[k % len(LINE_STYLES)], label=f"{model} ({len(t)} of {len(g)} failed)")
        if logarithmic:
            ax.set_xscale("log")
        ax.set_xlim(bins[0], bins[-1])
        ax.set_title(f"{molecule}, {temperature:g} K", fontsize=9)
        ax.set_xlabel("time to failure (ps)")
        ax.legend(fontsize=6, loc="upper left")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("failed runs")
    fig.tight_layout()
    return fig


def variance_figure(df: pd.DataFrame, molecule: str):
    """Posterior variance of one molecule's GP runs: the largest variance of each run by model and outcome
    (left), and for failures that crossed the extrapolation threshold, when they crossed it against when they
    failed (right; points below the diagonal left the training data first). None without a variance."""
    if "max_posterior_variance" not in df.columns:
        return None
    mol = df[(df["molecule"] == molecule) & ~df["status"].isin(NOT_OBSERVED)]
    mol = mol[np.isfinite(mol["max_posterior_variance"].to_numpy(dtype=float))]
    if mol.empty:
        return None
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 3.4))
    models = list(dict.fromkeys(mol["model"]))
    rng = np.random.default_rng(0)  # jitter only: the same picture every time
    failed = mol["status"].isin(FAILURE_KINDS).to_numpy()
    x = np.array([models.index(m) for m in mol["model"]], dtype=float) + rng.uniform(-0.25, 0.25, len(mol))
    y = mol["max_posterior_variance"].to_numpy(dtype=float)
    for outcome, mask in (("survived", ~failed), ("failed", failed)):
        left.scatter(x[mask], y[mask], s=9, alpha=0.6, color=OUTCOME_COLOURS[outcome], label=outcome, lw=0)
    left.set_xticks(range(len(models)), models, fontsize=7, rotation=20)
    left.set_ylabel("largest posterior variance\n(normalised; 1 = prior only)", fontsize=8)
    left.set_title(f"{molecule}: variance seen per run", fontsize=9)
    left.legend(fontsize=7)
    tte = (mol["time_to_extrapolation_ps"].to_numpy(dtype=float) if "time_to_extrapolation_ps" in mol.columns
           else np.full(len(mol), np.nan))
    ttf = mol["time_to_failure_ps"].to_numpy(dtype=float)
    crossed = failed & np.isfinite(tte)
    for k, model in enumerate(models):
        mask = crossed & (mol["model"].to_numpy() == model)
        if mask.any():
            right.scatter(ttf[mask], tte[mask], s=12, color=f"C{k % 10}", label=model, alpha=0.7, lw=0)
    tau = float(df.attrs["duration_ps"])
    right.plot([0, tau], [0, tau], color="grey", lw=1, ls="--")
    right.set_xlim(0, tau), right.set_ylim(0, tau)
    right.set_xlabel("time to failure (ps)")
    right.set_ylabel("time to extrapolation (ps)")
    right.set_title(f"{int(crossed.sum())} of {int(failed.sum())} failures crossed the threshold", fontsize=9)
    if crossed.any():
        right.legend(fontsize=6)
    fig.tight_layout()
    return fig


def restoring_figure(restoring: pd.DataFrame, molecule: str):
    """Fraction surviving against the restoring-force probe at the start (restoring_table: mean share of
    displaced bonds pushed back toward equilibrium), a point per model x start, with the prior mean's own share
    beside it. None when the probe was not recorded."""
    mol = restoring[(restoring["molecule"] == molecule) & np.isfinite(restoring["restoring_mean"].astype(float))]
    if mol.empty:
        return None
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    for k, (model, g) in enumerate(mol.groupby("model", sort=False)):
        ax.scatter(g["restoring_mean"], g["fraction_surviving"], s=28, color=f"C{k % 10}", label=f"{model}: model",
                   marker="o")
        prior = g["restoring_prior_mean"].astype(float)
        if np.isfinite(prior).any():
            ax.scatter(prior, g["fraction_surviving"], s=28, facecolors="none", edgecolors=f"C{k % 10}",
                       label=f"{model}: prior alone", marker="s")
    ax.set_xlim(-0.05, 1.05), ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("restoring share at the start (mean over runs)")
    ax.set_ylabel("fraction surviving")
    ax.set_title(f"{molecule}: restoring-force probe", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=6, loc="best")
    fig.tight_layout()
    return fig
