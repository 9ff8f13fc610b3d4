#!/usr/bin/env python3
"""survival_check.py — recomputes the survival model's figures independently of
Tenure's C code, for tests/integration/test_survival.sh.

  survival_check.py evaluation SURVIVAL_JSON SNAPSHOTS_CSV CUSTOMERS_CSV
      From the churn snapshots `tenure train --export` wrote (snapshot,
      customer_id, ...) and every customer's churn date: the landmark
      evaluation's fitting and test rows (times censored as documented:
      T = churn - t + 1, censored at the cut-off), the Kaplan-Meier curve of
      the fitting rows, and its integrated Brier score on the test rows up to
      the horizon (Graf et al. 1999, IPCW with the censoring Kaplan-Meier,
      on the daily grid 0 .. horizon - 1), compared with survival.json.

  survival_check.py serve SURVIVAL_JSON TREES_JSON MART_CSV ANSWERS_DIR
      For each answer ANSWERS_DIR/<customer_id>.json (GET /customers/{id}):
      the customer's risk score recomputed from the churn mart's row (the
      encoding as survival.json describes it; the Cox coefficients, or the
      trees' margin by XGBoost's Python binding), then S(t) =
      exp(-L0(t)) ** exp(score - centre) from the stored baseline, compared
      with what the API served.

Prints one line per check ("ok: ..." / "FAIL: ...") and exits 1 on a failure.
Plain Python and NumPy, no survival library: the formulas are the
definitions, written out.
"""
import bisect
import csv
import datetime
import json
import math
import sys

FAILURES = 0


def check(ok, what):
    global FAILURES
    print(("ok: " if ok else "FAIL: ") + what)
    FAILURES += 0 if ok else 1


def day(text):
    return (datetime.date.fromisoformat(text[:10]) - datetime.date(1970, 1, 1)).days


def close(a, b, tolerance=1e-9):
    return abs(a - b) <= tolerance * max(1.0, abs(b))


# ---- the evaluation ----------------------------------------------------------------------

def rows_for(snapshots, churn, keep, cutoff):
    times, events = [], []
    for t, customer in snapshots:
        if not keep(t):
            continue
        c = churn.get(customer)
        event = c is not None and t <= c < cutoff
        times.append(c - t + 1 if event else cutoff - t)
        events.append(1 if event else 0)
    return times, events


def kaplan_meier(times, events):
    """[(time, S after time)] at each distinct time."""
    steps, at_risk, s = [], len(times), 1.0
    for time in sorted(set(times)):
        d = sum(1 for t, e in zip(times, events) if t == time and e)
        n = sum(1 for t in times if t == time)
        if d:
            s *= 1 - d / at_risk
        steps.append((time, s))
        at_risk -= n
    return steps


def step_at(steps, t, before=False):
    """The step function's value at t (just before t when `before`); 1 before its first step."""
    times = [time for time, _ in steps]
    k = (bisect.bisect_left if before else bisect.bisect_right)(times, t)
    return steps[k - 1][1] if k > 0 else 1.0


def censoring_km(times, events):
    """G: Kaplan-Meier of the censorings, an event before a censoring at the same time."""
    steps, s = [], 1.0
    for time in sorted(set(times)):
        at_risk = sum(1 for t, e in zip(times, events) if t > time or (t == time and not e))
        c = sum(1 for t, e in zip(times, events) if t == time and not e)
        if c and at_risk:
            s *= 1 - c / at_risk
        steps.append((time, s))
    return steps


def integrated_brier(times, events, survival_at, horizon):
    g = censoring_km(times, events)
    weight_event = [1 / step_at(g, time, before=True) if event else 0.0 for time, event in zip(times, events)]
    total = 0.0
    for t in range(int(horizon)):
        s, g_t = survival_at(t), step_at(g, t)
        score = 0.0
        for time, event, w in zip(times, events, weight_event):
            if time <= t and event:
                score += s * s * w
            elif time > t:
                score += (1 - s) ** 2 / g_t
        total += score / len(times)
    return total / horizon


def evaluation(survival_path, snapshots_path, customers_path):
    model = json.load(open(survival_path))
    e = model["evaluation"]
    landmark, as_of, horizon = day(e["landmark"]), day(model["as_of"]), e["horizon_days"]
    with open(snapshots_path) as f:
        snapshots = [(day(r["snapshot"]), r["customer_id"]) for r in csv.DictReader(f)]
    with open(customers_path) as f:
        churn = {r["customer_id"]: day(r["churn_date"]) for r in csv.DictReader(f) if r["churn_date"]}
    fit = rows_for(snapshots, churn, lambda t: t < landmark, landmark)
    test = rows_for(snapshots, churn, lambda t: t == landmark, as_of)
    check([len(fit[0]), sum(fit[1])] == [e["fit"]["rows"], e["fit"]["events"]],
          f"fitting rows and churns before the landmark: {len(fit[0])}, {sum(fit[1])}")
    check([len(test[0]), sum(test[1])] == [e["test"]["rows"], e["test"]["events"]],
          f"test rows and churns from the landmark: {len(test[0])}, {sum(test[1])}")
    km = kaplan_meier(*fit)
    ibs = integrated_brier(*test, lambda t: step_at(km, t), horizon)
    served = e["kaplan_meier"]["integrated_brier"]
    check(close(ibs, served), f"Kaplan-Meier's integrated Brier score {ibs:.12f} (survival.json {served:.12f})")
    chosen = [c for c in e["candidates"] if c["kind"] == e["chosen"]][0]
    best = min(c["integrated_brier"] for c in e["candidates"] if "integrated_brier" in c)
    check(chosen["integrated_brier"] == best, "the chosen kind has the lowest integrated Brier score")
    check(e["beats_kaplan_meier"] == (best < served), "beats_kaplan_meier says whether it is lower than Kaplan-Meier's")


# ---- the served curves -------------------------------------------------------------------

def as_float32(text):
    import numpy
    return float(numpy.float32(float(text)))


def encode(encoding, row):
    """The row's model inputs as the C encoder makes them: float32, NaN for missing."""
    columns = []
    for feature in encoding["features"]:
        value = row.get(feature["name"], "")
        if feature["kind"] == "category":
            columns += [1.0 if value == c else 0.0 for c in feature["categories"]]
        elif feature["kind"] == "bool":
            columns.append(math.nan if value == "" else (1.0 if value.lower() in ("true", "1") else 0.0))
        else:
            columns.append(math.nan if value == "" else as_float32(value))
    assert len(columns) == len(encoding["columns"])
    return columns


def risk_score(model, trees_path, x):
    if model["kind"] == "cox":
        return sum(c["coef"] * (c["fill"] if math.isnan(x[c["index"]]) else x[c["index"]])
                   for c in model["cox"]["columns"])
    import numpy
    import xgboost
    booster = xgboost.Booster(model_file=trees_path)
    matrix = xgboost.DMatrix(numpy.array([x], dtype=numpy.float32), missing=math.nan)
    return float(booster.predict(matrix, output_margin=True)[0])


def serve(survival_path, trees_path, mart_path, answers_dir):
    model = json.load(open(survival_path))
    base = model["baseline"]
    with open(mart_path) as f:
        mart = {r["customer_id"]: r for r in csv.DictReader(f)}
    import glob
    import os
    answers = sorted(glob.glob(os.path.join(answers_dir, "*.json")))
    check(len(answers) > 0, f"{len(answers)} served answers to check")
    for path in answers:
        answer = json.load(open(path))
        customer = answer["customer_id"]
        r = math.exp(risk_score(model, trees_path, encode(model["encoding"], mart[customer])) - base["centre"])

        def s(t):
            hazard = 0.0
            for time, h in zip(base["time"], base["cumulative_hazard"]):
                if time <= t:
                    hazard = h
            return math.exp(-hazard) ** r

        got = answer["churn"]["survival"]
        expected = {k: s(int(k[:-1])) for k in ("30d", "90d", "180d", "365d")}
        check(all(close(got["survival"][k], v, 1e-6) for k, v in expected.items()),
              f"{customer}: S(30/90/180/365) = {[round(v, 6) for v in expected.values()]}")
        check(close(got["churn_within_90d"], 1 - expected["90d"], 1e-6), f"{customer}: churn within 90 days = 1 - S(90)")
        curve = answer["survival_curve"]
        check([p[0] for p in curve] == list(range(0, 361, 15)) + [365] and
              all(close(p[1], s(p[0]), 1e-6) for p in curve), f"{customer}: the curve's 26 points")
        median = got["median_days_to_churn"]
        if expected["365d"] > 0.5:
            check(median is None and got["median"] == "beyond 365 days", f"{customer}: median beyond 365 days")
        else:
            check(median is not None and s(median) <= 0.5 + 1e-9 and s(math.ceil(median) - 1) > 0.5,
                  f"{customer}: median {median} is where S first reaches 0.5")
        renewal = answer["account"]["days_to_renewal"]
        if renewal is not None and 0 < renewal <= 365:
            check(got["renewal_in_days"] == renewal and close(got["churn_before_renewal"], 1 - s(renewal - 1), 1e-6),
                  f"{customer}: churn before the renewal in {renewal} days = 1 - S({renewal - 1})")
        else:
            check(got["churn_before_renewal"] is None, f"{customer}: no renewal within 365 days, no figure")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "evaluation":
        evaluation(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "serve":
        serve(*sys.argv[2:])
    else:
        sys.exit(__doc__)
    sys.exit(1 if FAILURES else 0)
