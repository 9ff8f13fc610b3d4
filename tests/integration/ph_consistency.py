"""ph_consistency.py — checks analysis.json's cox.proportional_hazards for
test_analyze.sh: its shape, each p against the chi-square upper tail computed
here by SciPy, `violated` and `failing_terms` against the p-values, the global
chi-square at least each term's (a score test of more coefficients never
scores less), and the verdict. Prints "consistent" or each problem found.
The numbers themselves are checked against R in tests/unit/test_survival.c.

Usage: python3 ph_consistency.py analysis.json
"""
import json
import sys

from scipy.stats import chi2


def problems(cox):
    test = cox["proportional_hazards"]
    alpha = test["alpha"]
    found = []
    if test["computable"] is not True or test["transform"] != "km":
        found.append("not computable, or not on the km time scale")
    names = [c["name"] for c in cox["covariates"]]
    columns = [c for t in test["terms"] for c in t["covariates"]]
    if columns != names:
        found.append(f"the terms' covariates {columns} are not the Cox table's {names}")
    if test["global"]["df"] != len(names) or sum(t["df"] for t in test["terms"]) != len(names):
        found.append("the degrees of freedom do not add up to the covariates")
    rows = [(t["term"], t) for t in test["terms"]] + [("global", test["global"])]
    for name, row in rows:
        tail = chi2.sf(row["chisq"], row["df"])
        if not (row["chisq"] >= 0 and 0 <= row["p"] <= 1 and abs(row["p"] - tail) <= 1e-6 * tail + 1e-300):
            found.append(f"{name}: p {row['p']} is not the upper tail {tail} of chisq {row['chisq']} on {row['df']} df")
        if name != "global" and row["df"] != len(row["covariates"]):
            found.append(f"{name}: df {row['df']} for {len(row['covariates'])} covariates")
        if name != "global" and row["violated"] != (row["p"] < alpha):
            found.append(f"{name}: violated is {row['violated']} at p = {row['p']}")
    if test["global"]["chisq"] < max(t["chisq"] for t in test["terms"]) * (1 - 1e-9):
        found.append("the global chi-square is below a term's")
    failing = [t["term"] for t in sorted(test["terms"], key=lambda t: -t["chisq"]) if t["p"] < alpha]
    if test["failing_terms"] != failing:
        found.append(f"failing_terms {test['failing_terms']}, expected {failing}")
    if test["violated"] != (test["global"]["p"] < alpha):
        found.append("violated does not follow the global p")
    opening = "Proportional hazards fails" if test["violated"] else "No evidence against proportional hazards"
    if not test["verdict"].startswith(opening) or not all(t in test["verdict"] for t in failing):
        found.append(f"the verdict does not say so: {test['verdict']}")
    return found


with open(sys.argv[1], encoding="utf-8") as f:
    found = problems(json.load(f)["cox"])
print("\n".join(found) if found else "consistent")
