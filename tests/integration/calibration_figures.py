#!/usr/bin/python3
"""calibration_figures.py — issue 15's figures for one trained model, recomputed
from its files alone: the trees' margins (xgb_margin.py, beside this file, walks
the trees), the calibration map as the metadata stores it (applied here in
NumPy, not by Tenure), AUC and log loss by scikit-learn.

    calibration_figures.py MODELS_DIR NAME SNAPSHOTS.csv [ROWS.csv SCORES.json FIELD]

SNAPSHOTS.csv is `tenure train --export`'s <NAME>_snapshots.csv; its rows
dated within the metadata's test split are the test set. With ROWS.csv (the
customer_id and the model's features of the active customers, as `tenure sql
--csv` prints marts.mart_customer_*_features) and `tenure score --all --format
json`'s output, it also counts the distinct margins and served probabilities
of the scored customers (FIELD: the probability's path in a customer,
"churn_probability" or "upgrade.upgrade_propensity"; several paths, comma-
separated, for builds that wrote it elsewhere: the first that holds a value)
and checks what was served against the map applied here.

Prints one JSON object:
  method, and test: {rows, positives, auc_margin, auc_calibrated,
  distinct_margins, distinct_probabilities, worst_decile_error, log_loss}
  (worst decile: the test rows sorted by probability, ties in file order, cut
  into ten groups, row i of n in group floor(10 i / n), as the model card's
  calibration table), and with scores: active: {customers, distinct_margins,
  distinct_probabilities, largest_difference}.

Margins are summed in 32-bit floats tree by tree, as XGBoost 1.7 sums them, so
the distinct margins counted here are the ones Tenure sees. Needs Debian's
python3-numpy and python3-sklearn (/usr/bin/python3).
"""
import csv
import json
import math
import os
import sys

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xgb_margin  # noqa: E402


def margins(model, meta, rows):
    learner = model["learner"]
    trees = learner["gradient_booster"]["model"]["trees"]
    base = float(learner["learner_model_param"]["base_score"])
    start = np.float32(math.log(base / (1 - base)))
    out = np.empty(len(rows))
    for r, row in enumerate(rows):
        x = xgb_margin.encode(row, meta["encoding"]["features"])
        total = start
        for tree in trees:
            total = np.float32(total + np.float32(xgb_margin.leaf(tree, x)))
        out[r] = total
    return out


def expit(z):
    return 1.0 / (1.0 + np.exp(-z))


def calibrate(calibration, m):
    """The stored map applied to margins m (float64)."""
    method = calibration.get("method", "isotonic")
    if method == "platt":
        return expit(calibration["a"] * m + calibration["b"])
    if method == "beta":
        log_q, log_not_q = -np.logaddexp(0, -m), -np.logaddexp(0, m)
        return expit(calibration["a"] * log_q - calibration["b"] * log_not_q + calibration["c"])
    if method == "interpolated_isotonic":
        x, z, slope = np.array(calibration["x"]), np.array(calibration["log_odds"]), calibration["tail_slope"]
        inside = np.interp(m, x, z)
        below, above = z[0] + slope * (m - x[0]), z[-1] + slope * (m - x[-1])
        return expit(np.where(m < x[0], below, np.where(m > x[-1], above, inside)))
    if method == "isotonic":  # older metadata: a step function of XGBoost's float32 probability
        p = (np.float32(1) / (np.float32(1) + np.exp(-m.astype(np.float32)))).astype(np.float64)
        bound = calibration.get("bounds", 0.001)
        return np.clip(np.interp(p, calibration["x"], calibration["y"]), bound, 1 - bound)
    raise SystemExit(f"unknown calibration method {method!r}")


def worst_decile(p, y):
    order = np.argsort(p, kind="stable")
    group = np.arange(len(p)) * 10 // len(p)
    return max(abs(p[order][group == g].mean() - y[order][group == g].mean()) for g in range(10))


def test_figures(model, meta, snapshots_path):
    split = meta["training"]["split"]["test"]
    with open(snapshots_path, newline="") as file:
        rows = [row for row in csv.DictReader(file)
                if split["from_snapshot"] <= row["snapshot"] <= split["to_snapshot"]]
    m = margins(model, meta, rows)
    y = np.array([float(row["label"]) for row in rows])
    p = calibrate(meta["calibration"], m)
    return {"rows": len(rows), "positives": int(y.sum()),
            "auc_margin": roc_auc_score(y, m), "auc_calibrated": roc_auc_score(y, p),
            "distinct_margins": len(np.unique(m)), "distinct_probabilities": len(np.unique(p)),
            "worst_decile_error": worst_decile(p, y), "log_loss": log_loss(y, p)}


def active_figures(model, meta, rows_path, scores_path, field):
    with open(scores_path) as file:
        served = {}
        for customer in json.load(file)["customers"]:
            for path in field.split(","):  # the first path that holds a value
                value = customer
                for key in path.split("."):
                    value = value.get(key) if isinstance(value, dict) else None
                if value is not None:
                    served[customer["customer_id"]] = value
                    break
    with open(rows_path, newline="") as file:
        rows = [row for row in csv.DictReader(file) if row["customer_id"] in served]
    assert len(rows) == len(served), (len(rows), len(served))
    m = margins(model, meta, rows)
    p = np.array([served[row["customer_id"]] for row in rows])
    mine = calibrate(meta["calibration"], m)
    return {"customers": len(rows), "distinct_margins": len(np.unique(m)),
            "distinct_probabilities": len(np.unique(p)),
            "largest_difference": float(np.max(np.abs(p - mine)))}


def main(models_dir, name, snapshots_path, rows_path=None, scores_path=None, field=None):
    with open(f"{models_dir}/{name}.json") as file:
        model = json.load(file)
    with open(f"{models_dir}/{name}.meta.json") as file:
        meta = json.load(file)
    result = {"method": meta["calibration"].get("method", "isotonic"),
              "test": test_figures(model, meta, snapshots_path)}
    if rows_path is not None:
        result["active"] = active_figures(model, meta, rows_path, scores_path, field)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:])
