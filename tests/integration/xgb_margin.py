#!/usr/bin/python3
"""xgb_margin.py — the trees' margin (log-odds) of each row, computed from a
model's files alone, without libxgboost, so a test can check what Tenure
serves against a margin it did not compute itself.

    xgb_margin.py MODEL.json MODEL.meta.json ROWS.csv > MARGINS.csv

ROWS.csv holds customer_id and the model's features by name, as
`tenure sql --csv` prints them (empty = NULL). Prints customer_id,margin.

Encodes each row as src/ml/features.c does — a number or boolean as a
32-bit float (NULL: missing), a category one-hot over the metadata's
categories (all 0 when unknown or NULL) — and walks every tree of the
XGBoost JSON model as XGBoost 1.7 does: x < split_condition goes left,
a missing value follows default_left, a leaf's split_condition is its
value. The margin is logit(base_score) plus the leaves' sum.
"""
import csv
import json
import math
import struct
import sys

BOOLEANS = {"true": 1.0, "false": 0.0}


def f32(value):
    return struct.unpack("f", struct.pack("f", value))[0]


def encode(row, features):
    x = []
    for feature in features:
        value = row[feature["name"]]
        if feature["kind"] == "category":
            x += [1.0 if value == c else 0.0 for c in feature["categories"]]
        elif value == "":
            x.append(math.nan)
        else:
            x.append(f32(BOOLEANS[value] if value in BOOLEANS else float(value)))
    return x


def leaf(tree, x):
    node = 0
    while tree["left_children"][node] != -1:
        value = x[tree["split_indices"][node]]
        if math.isnan(value):
            left = tree["default_left"][node]
        else:
            left = value < f32(tree["split_conditions"][node])
        node = tree["left_children"][node] if left else tree["right_children"][node]
    return tree["split_conditions"][node]


def main(model_path, meta_path, rows_path):
    with open(model_path) as file:
        learner = json.load(file)["learner"]
    with open(meta_path) as file:
        encoding = json.load(file)["encoding"]
    trees = learner["gradient_booster"]["model"]["trees"]
    base = float(learner["learner_model_param"]["base_score"])
    columns = len(encoding["columns"])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["customer_id", "margin"])
    with open(rows_path, newline="") as file:
        for row in csv.DictReader(file):
            x = encode(row, encoding["features"])
            assert len(x) == columns, (len(x), columns)
            margin = math.log(base / (1 - base)) + sum(leaf(tree, x) for tree in trees)
            out.writerow([row["customer_id"], repr(margin)])


if __name__ == "__main__":
    main(*sys.argv[1:4])
