#!/usr/bin/python3
"""gpiqa's training against FEREBUS's own fits, on FEREBUS's published data.

Usage: bench/ferebus_compare.py CHECKOUT [--gpiqa build/bin/gpiqa] [--atoms ammonia:N1 methanol:C1 water:O1]
       [--kernels rbf-cyclic rbf rbf-periodic auto]

CHECKOUT is a clone of github.com/popelier-group/ferebus-paper-data. For every atom of likelihood/SYSTEM/
(SYSTEM_ATOM_TRAINING_SET.csv, SYSTEM_ATOM_VALIDATION_SET.csv, and FEREBUS's fitted model files in marginal/
and concentrated/), it trains gpiqa with each kernel on the training CSV (`gpiqa train --csv DIR`, the
validation CSV beside it) and evaluates FEREBUS's model files on the same validation points, then prints the
validation RMSE of each, in kJ/mol. FEREBUS's files there are constant-mean products of rbf or rbf-cyclic
factors without scaling: k = exp(-sum_h theta_h d_h^2), d wrapped into (-pi, pi] on phi features for
rbf-cyclic.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

KJ_PER_MOL_PER_HARTREE = 2625.499639


def read_ferebus_model(path):
    """mean, [(type, active dims 0-based, theta)], training x, weights of a FEREBUS model file."""
    sections, section = {}, None
    for line in open(path):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.startswith("["):
            section = s[1:-1]
            sections[section] = []
        else:
            sections[section].append(s)
    if any(not l.startswith("value") for l in sections["mean"][1:]) or "constant" not in sections["mean"][0]:
        raise SystemExit(f"{path}: only constant means are evaluated here")
    mean = float(next(l.split()[1] for l in sections["mean"] if l.startswith("value")))
    factors = []
    for name, lines in sections.items():
        if not name.startswith("kernel."):
            continue
        fields = {l.split()[0]: l.split()[1:] for l in lines}
        factors.append((fields["type"][0], [int(v) - 1 for v in fields["active_dimensions"]],
                        np.array([float(v) for v in fields["theta"]])))
    x = np.array([[float(v) for v in l.split()] for l in sections["training_data.x"]])
    w = np.array([float(l) for l in sections["weights"]])
    return mean, factors, x, w


def predict_ferebus(model, features):
    mean, factors, x, w = model
    exponent = np.zeros((len(features), len(x)))
    for kind, dims, theta in factors:
        if kind not in ("rbf", "rbf-cyclic"):
            raise SystemExit(f"kernel type {kind} is not evaluated here")
        for d, t in zip(dims, theta):
            diff = features[:, d][:, None] - x[:, d][None, :]
            if kind == "rbf-cyclic" and d >= 5 and (d - 5) % 3 == 0:
                diff = diff - 2 * np.pi * np.rint(diff / (2 * np.pi))
            exponent += t * diff**2
    return mean + np.exp(-exponent) @ w


def rmse_kj(predicted, y):
    return float(np.sqrt(np.mean((predicted - y) ** 2))) * KJ_PER_MOL_PER_HARTREE


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout")
    parser.add_argument("--gpiqa", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin", "gpiqa"))
    parser.add_argument("--atoms", nargs="+", default=["ammonia:N1", "methanol:C1", "water:O1"])
    parser.add_argument("--kernels", nargs="+", default=["rbf-cyclic", "rbf", "rbf-periodic", "auto"])
    args = parser.parse_args()
    print(f"{'atom':<14} {'points':>6} {'FEREBUS marginal':>17} {'concentrated':>13} " +
          " ".join(f"{k:>18}" for k in args.kernels) + "   (validation RMSE, kJ/mol)")
    for item in args.atoms:
        system, atom = item.split(":")
        base = os.path.join(args.checkout, "likelihood", system)
        stem = f"{system.upper()}_{atom}"
        validation = pd.read_csv(os.path.join(base, f"{stem}_VALIDATION_SET.csv"), index_col=0)
        columns = sorted((c for c in validation.columns if c[0] == "f" and c[1:].isdigit()), key=lambda c: int(c[1:]))
        features, y = validation[columns].to_numpy(), validation["iqa"].to_numpy()
        ferebus = []
        for likelihood in ("marginal", "concentrated"):
            path = os.path.join(base, likelihood, f"{system.upper()}_iqa_{atom}.model")
            ferebus.append(rmse_kj(predict_ferebus(read_ferebus_model(path), features), y)
                           if os.path.exists(path) else float("nan"))
        ours, points = [], 0
        with tempfile.TemporaryDirectory() as work:
            for name in (f"{stem}_TRAINING_SET.csv", f"{stem}_VALIDATION_SET.csv"):
                shutil.copy(os.path.join(base, name), work)
            for kernel in args.kernels:
                out = subprocess.run([args.gpiqa, "train", "--csv", work, "--out", os.path.join(work, kernel),
                                      "--kernel", kernel, "--threads", "1"],
                                     check=True, capture_output=True, text=True).stdout
                report = json.loads(out.splitlines()[0])
                points = report["training_points"]
                ours.append(f"{report['validation_rmse_hartree'] * KJ_PER_MOL_PER_HARTREE:.3f} {report['kernel']}")
        print(f"{item:<14} {points:>6} {ferebus[0]:>17.3f} {ferebus[1]:>13.3f} " +
              " ".join(f"{o:>18}" for o in ours))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
