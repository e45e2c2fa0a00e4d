"""Figures of a campaign (PNG, matplotlib's Agg backend: no display needed)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from statsmodels.duration.survfunc import SurvfuncRight  # noqa: E402

from .results import load_frames  # noqa: E402
from .survival import survival_data  # noqa: E402

STATUS_COLOURS = {"stable": "#4c9a2a", "collapsed": "#2b6cb0", "exploded": "#c53030", "failed": "#6b6b6b",
                  "pending": "#d9d9d9", "invalid-start": "#e2b93b"}


LINE_STYLES = ["-", "--", ":", "-."]


def _km_steps(time, event, tau):
    if len(time) == 0:
        return np.array([]), np.array([])
    if event.sum() == 0:
        return np.array([0.0, tau]), np.array([1.0, 1.0])
    sf = SurvfuncRight(time, event)
    t = np.concatenate([[0.0], sf.surv_times, [tau]])
    s = np.concatenate([[1.0], sf.surv_prob, [sf.surv_prob[-1]]])
    return t, s


def km_curves(df: pd.DataFrame, out_dir: str) -> list[str]:
    """One PNG per molecule: a panel per temperature, a Kaplan-Meier curve per model (censored runs marked)."""
    tau = float(df.attrs["duration_ps"])
    written = []
    for molecule, mol in df.groupby("molecule", sort=False):
        temps = list(dict.fromkeys(mol["temperature_K"]))
        fig, axes = plt.subplots(1, len(temps), figsize=(4.2 * len(temps), 3.6), sharey=True, squeeze=False)
        for ax, temperature in zip(axes[0], temps):
            for k, (model, group) in enumerate(mol[mol["temperature_K"] == temperature].groupby("model", sort=False)):
                time, event = survival_data(group)
                if len(time) == 0:
                    continue
                t, s = _km_steps(time, event, tau)
                # distinct dashes so that curves lying on top of each other (e.g. all at 1) stay visible
                ax.step(t, s, where="post", lw=2.2 - 0.4 * (k % 4), ls=LINE_STYLES[k % len(LINE_STYLES)],
                        label=f"{model} (n={len(time)})")
            ax.set_title(f"{molecule}, {temperature:g} K")
            ax.set_xlabel("time (ps)")
            ax.set_xlim(0, tau)
            ax.set_ylim(-0.02, 1.02)
            ax.grid(alpha=0.3)
        axes[0][0].set_ylabel("fraction surviving (Kaplan-Meier)")
        axes[0][-1].legend(fontsize=8, loc="lower left")
        fig.tight_layout()
        path = f"{out_dir}/km_{molecule}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def survival_heatmap(table: pd.DataFrame, out_dir: str) -> str:
    """Kaplan-Meier survival at the campaign duration: molecule x temperature, one panel per model."""
    models = list(dict.fromkeys(table["model"]))
    molecules = list(dict.fromkeys(table["molecule"]))
    temps = sorted(set(table["temperature_K"]))
    fig, axes = plt.subplots(1, len(models), figsize=(1.6 + 1.3 * len(temps) * len(models), 1.2 + 0.55 * len(molecules)),
                             squeeze=False, sharey=True)
    image = None
    for ax, model in zip(axes[0], models):
        grid = np.full((len(molecules), len(temps)), np.nan)
        for _, row in table[table["model"] == model].iterrows():
            grid[molecules.index(row["molecule"]), temps.index(row["temperature_K"])] = row["km_survival"]
        image = ax.imshow(grid, vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
        for i in range(len(molecules)):
            for j in range(len(temps)):
                ax.text(j, i, "-" if np.isnan(grid[i, j]) else f"{grid[i, j]:.2f}", ha="center", va="center", fontsize=8)
        ax.set_xticks(range(len(temps)), [f"{t:g}" for t in temps])
        ax.set_xlabel("temperature (K)")
        ax.set_title(model)
    axes[0][0].set_yticks(range(len(molecules)), molecules)  # shared y axis: the labels show on the first panel
    for ax in axes[0][1:]:
        ax.tick_params(labelleft=False)
    fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="survival at end")
    path = f"{out_dir}/survival_heatmap.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def failure_modes(df: pd.DataFrame, out_dir: str) -> str:
    """Stacked outcome counts per model and temperature, one panel per molecule."""
    molecules = list(dict.fromkeys(df["molecule"]))
    fig, axes = plt.subplots(len(molecules), 1, figsize=(8, 2.6 * len(molecules)), squeeze=False)
    for ax, molecule in zip(axes[:, 0], molecules):
        mol = df[df["molecule"] == molecule]
        groups = list(mol.groupby(["model", "temperature_K"], sort=False))
        labels = [f"{m}\n{t:g} K" for (m, t), _ in groups]
        bottom = np.zeros(len(groups))
        for status, colour in STATUS_COLOURS.items():
            counts = np.array([(g["status"] == status).sum() for _, g in groups], dtype=float)
            if counts.sum() == 0:
                continue
            ax.bar(range(len(groups)), counts, bottom=bottom, color=colour, label=status)
            bottom += counts
        ax.set_xticks(range(len(groups)), labels, fontsize=7)
        ax.set_ylabel("runs")
        ax.set_title(molecule, loc="left")
        ax.legend(fontsize=7, ncol=5, loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    path = f"{out_dir}/failure_modes.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def traces(df: pd.DataFrame, task_ids: list[int], out_dir: str, window_ps: float | None = None) -> list[str]:
    """Temperature and energy traces of recorded tasks; for failures, the last `window_ps` before the failure."""
    written = []
    for task_id in task_ids:
        frames = load_frames(df.attrs["path"], task_id)
        if frames is None or frames.empty:
            continue
        row = df[df["task_id"] == task_id].iloc[0]
        failed = row["status"] in ("collapsed", "exploded", "failed")
        if failed and window_ps:
            frames = frames[frames["time_ps"] >= row["time_to_failure_ps"] - window_ps]
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 4.8), sharex=True)
        ax1.plot(frames["time_ps"], frames["temperature_K"], lw=1)
        ax1.set_ylabel("T (K)")
        for name in ("potential_hartree", "conserved_hartree"):
            ax2.plot(frames["time_ps"], frames[name] - frames[name].iloc[0], lw=1, label=name.replace("_hartree", ""))
        ax2.set_ylabel("E - E(first) (Ha)")
        ax2.set_xlabel("time (ps)")
        ax2.legend(fontsize=8)
        if failed:
            for ax in (ax1, ax2):
                ax.axvline(row["time_to_failure_ps"], color="red", ls="--", lw=1)
        ax1.set_title(f"task {task_id}: {row['label'] if 'label' in row else ''} - {row['status']}", fontsize=9)
        fig.tight_layout()
        path = f"{out_dir}/trace_task{task_id}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
