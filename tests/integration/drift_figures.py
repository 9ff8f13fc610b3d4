#!/usr/bin/python3
"""drift_figures.py — the drift of each feature of a model, computed here in
plain Python from the definitions, independently of Tenure's C code, for
test_drift.sh to compare with GET /health/model.

    drift_figures.py META.json CURRENT.csv

META.json is a model's metadata (its "reference": the sample of the training
population, one list of values per feature); CURRENT.csv holds the current
mart's rows with one column per feature (empty = missing; true/false for
booleans). Prints one line per feature: name, PSI, the KS statistic D ("-" for
booleans and categories), then for a number the reference's and the current
median, for a boolean the share of true among each sample's non-missing values,
for a category "- -".

PSI: numeric and boolean features over the cut points of the reference's
non-missing values at the quantiles 0.1 ... 0.9 (linear interpolation between
order statistics, as numpy.quantile's default), equal ones merged; a value
equal to a cut point goes to the upper bin; categories one bin per value;
missing values one more bin when either sample has any; shares of all values;
an empty share counts as 1e-4; PSI = sum (a - e) ln(a / e).
KS: D = the largest distance between the two empirical distribution functions
of the non-missing values (numeric features). Its p-value is checked against
SciPy in tests/unit/test_drift.c.
"""
import bisect
import csv
import json
import math
import statistics
import sys

EPSILON = 1e-4


def psi(reference_counts, current_counts):
    total_e, total_a = sum(reference_counts), sum(current_counts)
    value = 0.0
    for ce, ca in zip(reference_counts, current_counts):
        e = ce / total_e if ce else EPSILON
        a = ca / total_a if ca else EPSILON
        value += (a - e) * math.log(a / e)
    return value


def quantile(ordered, q):
    h = (len(ordered) - 1) * q
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def numeric_counts(reference, current):
    present = sorted(v for v in reference if v is not None)
    cuts = sorted({quantile(present, j / 10) for j in range(1, 10)}) if present else []
    missing = any(v is None for v in reference + current)

    def counts(sample):
        c = [0] * (len(cuts) + 1)
        for v in sample:
            if v is not None:
                c[bisect.bisect_right(cuts, v)] += 1
        return c + [sum(1 for v in sample if v is None)] if missing else c

    return counts(reference), counts(current)


def categorical_counts(reference, current):
    categories = sorted({v for v in reference + current if v is not None})
    missing = any(v is None for v in reference + current)

    def counts(sample):
        c = [sum(1 for v in sample if v == k) for k in categories]
        return c + [sum(1 for v in sample if v is None)] if missing else c

    return counts(reference), counts(current)


def ks_statistic(a, b):
    a, b = sorted(a), sorted(b)
    d = 0.0
    for x in set(a) | set(b):
        d = max(d, abs(bisect.bisect_right(a, x) / len(a) - bisect.bisect_right(b, x) / len(b)))
    return d


def number(text):
    """A CSV cell as a number: empty is missing, a boolean is 1 or 0."""
    lowered = text.strip().lower()
    if lowered == "":
        return None
    return {"true": 1.0, "false": 0.0}.get(lowered) if lowered in ("true", "false") else float(text)


def median(values):
    present = [v for v in values if v is not None]
    return repr(float(statistics.median(present))) if present else "nan"


def share_true(values):
    present = [v for v in values if v is not None]
    return repr(sum(1 for v in present if v != 0) / len(present)) if present else "nan"


def main(meta_path, current_path):
    reference = json.load(open(meta_path))["reference"]
    rows = list(csv.DictReader(open(current_path, newline="")))
    for feature in reference["features"]:
        name, kind, values = feature["feature"], feature["kind"], feature["values"]
        if kind == "category":
            current = [row[name] if row[name] != "" else None for row in rows]
            print(name, repr(psi(*categorical_counts(values, current))), "-", "-", "-")
            continue
        ref = [None if v is None else float(v) for v in values]
        cur = [number(row[name]) for row in rows]
        if kind == "number":
            d = repr(ks_statistic([v for v in ref if v is not None], [v for v in cur if v is not None]))
            print(name, repr(psi(*numeric_counts(ref, cur))), d, median(ref), median(cur))
        else:
            print(name, repr(psi(*numeric_counts(ref, cur))), "-", share_true(ref), share_true(cur))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
