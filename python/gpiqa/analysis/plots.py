"""Figures of a campaign (PNG, matplotlib's Agg backend: no display needed)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .results_file import load_frames  # noqa: E402
from .survival import km_curve, survival_data  # noqa: E402

STATUS_COLOURS = {"stable": "#4c9a2a", "collapsed": "#2b6cb0", "exploded": "#c53030", "failed": "#6b6b6b",
                  "pending": "#d9d9d9", "invalid-start": "#e2b93b"}


LINE_STYLES = ["-", "--", ":", "-."]
# Identical Kaplan-Meier curves of one panel (the same step function, e.g. two means that are the same model, or
# all at 1) would hide each other: every repeat is drawn this much lower than the one before, and says so.
IDENTICAL_OFFSET = 0.012


def _km_steps(time, event, tau):
    """The Kaplan-Meier step function from 0 to tau, (t, S, lower, upper), the bounds of km_curve (NaN where
    undefined: before the first failure and where S is 0)."""
    if len(time) == 0:
        return (np.array([]),) * 4
    if event.sum() == 0:
        return np.array([0.0, tau]), np.array([1.0, 1.0]), np.full(2, np.nan), np.full(2, np.nan)
    t, s, low, high = km_curve(time, event)
    keep = t <= tau
    t, s, low, high = t[keep], s[keep], low[keep], high[keep]
    last = len(s) - 1
    return (np.concatenate([[0.0], t, [tau]]), np.concatenate([[1.0], s, [s[last] if last >= 0 else 1.0]]),
            np.concatenate([[np.nan], low, [low[last] if last >= 0 else np.nan]]),
            np.concatenate([[np.nan], high, [high[last] if last >= 0 else np.nan]]))


def _km_panel(ax, panel: pd.DataFrame, tau: float) -> int:
    """Kaplan-Meier curves of the models of one (molecule, temperature) with their 95% bands; returns how many
    curves repeat an earlier one."""
    drawn = {}  # step function -> models already drawn with it
    repeats = 0
    for k, (model, group) in enumerate(panel.groupby("model", sort=False)):
        time, event = survival_data(group)
        if len(time) == 0:
            continue
        t, s, low, high = _km_steps(time, event, tau)
        key = (tuple(np.round(t, 12)), tuple(np.round(s, 12)))
        same = drawn.setdefault(key, [])
        label = f"{model} (n={len(time)})"
        if same:
            label += f", identical to {same[0]}"
            repeats += 1
        colour = f"C{k % 10}"
        ax.step(t, s - IDENTICAL_OFFSET * len(same), where="post", lw=2.2 - 0.4 * (k % 4),
                ls=LINE_STYLES[k % len(LINE_STYLES)], color=colour, label=label)
        if not same and np.isfinite(low).any():  # one band per distinct curve
            ax.fill_between(t, low, high, step="post", color=colour, alpha=0.15, lw=0)
        same.append(model)
    return repeats


def km_figure(df: pd.DataFrame, molecule: str):
    """The Kaplan-Meier figure of one molecule: a panel per temperature, a curve per model with its 95% band
    (Greenwood, log(-log)); identical curves are drawn offset and named in the legend."""
    tau = float(df.attrs["duration_ps"])
    mol = df[df["molecule"] == molecule]
    temps = list(dict.fromkeys(mol["temperature_K"]))
    fig, axes = plt.subplots(1, len(temps), figsize=(4.2 * len(temps), 3.6), sharey=True, squeeze=False)
    repeats = 0
    for ax, temperature in zip(axes[0], temps):
        repeats = max(repeats, _km_panel(ax, mol[mol["temperature_K"] == temperature], tau))
        ax.set_title(f"{molecule}, {temperature:g} K")
        ax.set_xlabel("time (ps)")
        ax.set_xlim(0, tau)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylim(-0.02 - IDENTICAL_OFFSET * repeats, 1.02)
    axes[0][0].set_ylabel("fraction surviving (Kaplan-Meier)")
    for ax in axes[0]:
        if ax.get_legend_handles_labels()[0]:
            title = "shaded: 95% CI"
            if any("identical to" in label for label in ax.get_legend_handles_labels()[1]):
                title += f"\nidentical curves drawn {IDENTICAL_OFFSET:g} lower"
            ax.legend(fontsize=7, loc="lower left", title=title, title_fontsize=7)
    fig.tight_layout()
    return fig


def km_curves(df: pd.DataFrame, out_dir: str) -> list[str]:
    """One PNG per molecule (km_figure): a panel per temperature, a Kaplan-Meier curve per model."""
    written = []
    for molecule in dict.fromkeys(df["molecule"]):
        fig = km_figure(df, molecule)
        path = f"{out_dir}/km_{molecule}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def survival_heatmap_figure(table: pd.DataFrame, tau_ps: float):
    """Kaplan-Meier survival at tau_ps (the campaign duration): molecule x temperature, one panel per model."""
    models = list(dict.fromkeys(table["model"]))
    molecules = list(dict.fromkeys(table["molecule"]))
    temps = sorted(set(table["temperature_K"]))
    fig, axes = plt.subplots(1, len(models), squeeze=False, sharey=True,
                             figsize=(1.6 + 1.3 * len(temps) * len(models), max(2.4, 1.2 + 0.55 * len(molecules))))
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
    bar = fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8)
    bar.set_label(f"survival at {tau_ps:g} ps\n(Kaplan-Meier)", fontsize=8)
    return fig


def survival_heatmap(table: pd.DataFrame, out_dir: str, tau_ps: float) -> str:
    """survival_heatmap_figure as survival_heatmap.png."""
    fig = survival_heatmap_figure(table, tau_ps)
    path = f"{out_dir}/survival_heatmap.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def survival_vs_start_figure(by_start: pd.DataFrame, molecule: str):
    """Fraction surviving against the controlled start energy (survival_by_start), a panel per temperature, a line
    per model with Wilson 95% intervals (models dodged sideways so that the intervals stay apart)."""
    mol = by_start[(by_start["molecule"] == molecule) & by_start["start_energy_kcal_mol"].notna()
                   & (by_start["runs"] > 0)]
    temps = list(dict.fromkeys(mol["temperature_K"]))
    models = list(dict.fromkeys(mol["model"]))
    energies = np.sort(mol["start_energy_kcal_mol"].unique())
    dodge = 0.012 * (energies.max() - energies.min()) if len(energies) > 1 else 0.0
    fig, axes = plt.subplots(1, len(temps), figsize=(4.2 * len(temps), 3.6), sharey=True, squeeze=False)
    for ax, temperature in zip(axes[0], temps):
        for k, model in enumerate(models):
            rows = mol[(mol["temperature_K"] == temperature) & (mol["model"] == model)].sort_values(
                "start_energy_kcal_mol")
            if rows.empty:
                continue
            x = rows["start_energy_kcal_mol"].to_numpy() + dodge * (k - (len(models) - 1) / 2)
            y = rows["fraction_surviving"].to_numpy()
            # clipped at 0: at a fraction of 0 or 1 the Wilson bound equals it up to rounding
            yerr = np.clip(np.vstack([y - rows["wilson_low"].to_numpy(), rows["wilson_high"].to_numpy() - y]), 0, None)
            ax.errorbar(x, y, yerr=yerr, marker="o", ms=4, capsize=3, lw=1.6, ls=LINE_STYLES[k % len(LINE_STYLES)],
                        color=f"C{k % 10}", label=model)
        ax.set_title(f"{molecule}, {temperature:g} K")
        ax.set_xlabel("start energy above minimum (kcal/mol)")
        ax.set_xticks(energies, [f"{e:g}" for e in energies])
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("fraction surviving (Wilson 95% CI)")
    axes[0][-1].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def survival_vs_start(by_start: pd.DataFrame, out_dir: str) -> list[str]:
    """survival_vs_start_<molecule>.png for every molecule whose runs have more than one start energy."""
    written = []
    for molecule, mol in by_start.groupby("molecule", sort=False):
        if mol.loc[mol["runs"] > 0, "start_energy_kcal_mol"].dropna().nunique() < 2:  # finished runs at 2+ energies
            continue
        fig = survival_vs_start_figure(by_start, molecule)
        path = f"{out_dir}/survival_vs_start_{molecule}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def failure_modes_figure(df: pd.DataFrame):
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
    return fig


def failure_modes(df: pd.DataFrame, out_dir: str) -> str:
    """failure_modes_figure as failure_modes.png."""
    fig = failure_modes_figure(df)
    path = f"{out_dir}/failure_modes.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def trace_figure(df: pd.DataFrame, task_id: int, window_ps: float | None = None):
    """Temperature and energy traces of a recorded task (None without frames); for a failure, the last
    `window_ps` before it."""
    frames = load_frames(df.attrs["path"], task_id)
    if frames is None or frames.empty:
        return None
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
    return fig


def traces(df: pd.DataFrame, task_ids: list[int], out_dir: str, window_ps: float | None = None) -> list[str]:
    """trace_figure of each recorded task as trace_task<ID>.png."""
    written = []
    for task_id in task_ids:
        fig = trace_figure(df, task_id, window_ps)
        if fig is None:
            continue
        path = f"{out_dir}/trace_task{task_id}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
