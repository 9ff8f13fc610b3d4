#!/usr/bin/python3
"""bi_marts_figures.py — marts.mart_customer_risk_scores and
marts.mart_propensity_quadrant recomputed here from the raw tables,
independently of the SQL models, and compared with what the build wrote,
row for row, for test_bi_marts.sh.

    bi_marts_figures.py RAW_DIR AS_OF DATA_AS_OF RISK.csv QUADRANT.csv

RAW_DIR holds customers.csv, usage_events.csv, gtm_opportunities.csv and
support_tickets.csv with the raw tables' columns and a header (the files
`tenure build --raw` loads, or the raw tables as `tenure sql --csv` prints
them), timestamps as YYYY-MM-DD HH:MM:SS, UTC; AS_OF is the build's as-of
date and DATA_AS_OF the data's own (the open pipeline is only known on
it). RISK.csv and QUADRANT.csv are the two marts as `tenure sql --csv`
prints them, with a header. Prints one line per mart ("risk_scores: N rows,
M columns, K of K values equal") and every difference; exits 1 on any.

Everything is read from the raw rows: the active customers, the windows
[as_of − N days, as_of), the nine rules, the log-scaled norms. Money and
the rule score are exact (Decimal, the score in hundredths); the norms and
the propensity (rounded to 6 decimals, as the mart defines it) are compared
within 1e-9, the expected uplift within half a cent, and the quadrant of an
account whose propensity lies within 1e-6 of the 0.50 cut-off is counted,
not judged (binary rounding could put it either side; test_bi_marts.sh
checks such an account by hand).
"""
import csv
import math
import sys
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

RETENTION_SIGNALS = {"evidence_upload", "monitoring_run", "report_view"}
OPEN_STAGES = {"prospecting", "qualification", "proposal"}
HIGH_PRIORITY = {"high", "critical"}
# plan tier: MRR floor, ceiling, next tier, price multiple of the move
TIERS = {
    "starter": (Decimal(500), Decimal(2000), "growth", Decimal("3.0")),
    "growth": (Decimal(2000), Decimal(8000), "enterprise", Decimal("5.0")),
    "enterprise": (Decimal(8000), Decimal(50000), "custom", Decimal("1.2")),
}
# the nine rules, in their order: label, weight in hundredths, test
RULES = [
    ("few events", 18, lambda f: f["events_30"] < 5),
    ("none in 7 days", 20, lambda f: f["events_7"] == 0),
    ("low adoption", 15, lambda f: f["adoption"] is not None and f["adoption"] < 0.25),
    ("inactive two weeks", 12, lambda f: f["days_since_last"] > 14),
    ("support overload", 12, lambda f: f["high_priority"] >= 2),
    ("ticket surge", 8, lambda f: f["tickets_30"] >= 5),
    ("early stage at risk", 15, lambda f: f["tenure"] <= 90 and f["events_30"] < 3),
    ("low onboarding", 10, lambda f: f["integrations_first_30"] < 3 and f["tenure"] <= 90),
    ("no retention signals", 10, lambda f: f["retention"] == 0),
]
FLAG_COLUMNS = [
    "flag_few_events_last_30d", "flag_no_events_last_7d", "flag_low_adoption",
    "flag_inactive_over_14_days", "flag_support_overload", "flag_ticket_surge",
    "flag_early_stage_low_usage", "flag_low_onboarding", "flag_no_retention_signals",
]
TRIAL_CAP, REQUEST_CAP = 10, 3
CUT = 0.50


def day(text):
    return date.fromisoformat(text) if text else None


def cents(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rows(directory, name):
    with open(f"{directory}/{name}.csv", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        for values in reader:
            yield dict(zip(header, values))


def features(directory, as_of, data_as_of):
    """Per active customer, what the rules and the proxy read."""
    customers = {}
    for c in rows(directory, "customers"):
        signup, churn, upgrade = day(c["signup_date"]), day(c["churn_date"]), day(c["upgrade_date"])
        if signup < as_of and (churn is None or churn >= as_of):
            customers[c["customer_id"]] = {
                "plan_tier": c["plan_tier"], "mrr": Decimal(c["mrr"]), "signup": signup,
                "tenure": (as_of - signup).days,
                "candidate": upgrade is None or upgrade >= as_of,
                "events_30": 0, "events_7": 0, "scores": [], "last": None, "retention": 0,
                "integrations_first_30": 0, "tickets_30": 0, "high_priority": 0, "trials_30": 0,
                "requests_90": 0, "open_expansion": False,
                "first_30_end": (signup + timedelta(days=30)).isoformat(),
            }
    # timestamps as the raw tables print them, 'YYYY-MM-DD HH:MM:SS' (UTC): as text they sort
    # as they happen, and a day 'YYYY-MM-DD' sorts before every time of that day
    before = {n: (as_of - timedelta(days=n)).isoformat() for n in (7, 30)}
    end = as_of.isoformat()
    for e in rows(directory, "usage_events"):
        f = customers.get(e["customer_id"])
        at = e["timestamp"]
        if len(at) != 19 or at[10] != " ":
            sys.exit(f"usage_events: timestamp {at!r} is not YYYY-MM-DD HH:MM:SS")
        if f is None or at >= end:
            continue
        f["events_30"] += at >= before[30]
        f["events_7"] += at >= before[7]
        if e["feature_adoption_score"]:
            f["scores"].append(float(e["feature_adoption_score"]))
        f["last"] = at if f["last"] is None else max(f["last"], at)
        kind = e["event_type"]
        f["retention"] += kind in RETENTION_SIGNALS
        f["integrations_first_30"] += kind == "integration_connect" and at < f["first_30_end"]
        f["trials_30"] += kind == "premium_feature_trial" and at >= before[30]
    for t in rows(directory, "support_tickets"):
        f = customers.get(t["customer_id"])
        created = day(t["created_date"])
        if f is None or created >= as_of:
            continue
        f["tickets_30"] += created >= as_of - timedelta(days=30)
        f["high_priority"] += t["priority"] in HIGH_PRIORITY
        f["requests_90"] += t["topic"] == "feature_request" and created >= as_of - timedelta(days=90)
    if as_of >= data_as_of:  # the CRM's current stages are only known on the data's own date
        for o in rows(directory, "gtm_opportunities"):
            f = customers.get(o["customer_id"])
            if f is not None and o["opportunity_type"] == "expansion" and o["stage"] in OPEN_STAGES:
                f["open_expansion"] = True
    for f in customers.values():
        f["adoption"] = sum(f["scores"]) / len(f["scores"]) if f["scores"] else None
        f["days_since_last"] = (as_of - day(f["last"][:10])).days if f["last"] else f["tenure"]
    return customers


def expected_risk(f):
    flags = [rule(f) for _, _, rule in RULES]
    hundredths = min(100, max(0, 10 + sum(w for (_, w, _), on in zip(RULES, flags) if on)))
    score = Decimal(hundredths) / 100
    arr = f["mrr"] * 12
    labels = [label for (label, _, _), on in zip(RULES, flags) if on] + [None, None]
    return {"arr": arr, "flags": flags, "rule_risk_score": score, "arr_at_risk": cents(arr * score),
            "intervention_value_10pct": cents(arr * score / 10), "driver_1": labels[0],
            "driver_2": labels[1]}


def expected_quadrant(f, risk):
    out = {"is_expansion_candidate": f["candidate"], "churn_axis_score": risk["rule_risk_score"],
           "is_high_churn_risk": risk["rule_risk_score"] >= Decimal("0.50")}
    floor, ceiling, next_tier, multiple = TIERS[f["plan_tier"]]
    if f["candidate"]:
        trial = min(1.0, math.log(1 + f["trials_30"]) / math.log(1 + TRIAL_CAP))
        request = min(1.0, math.log(1 + f["requests_90"]) / math.log(1 + REQUEST_CAP))
        ceiling_pct = float(min(Decimal(1), max(Decimal(0), (f["mrr"] - floor) / (ceiling - floor))))
        # the weights without the usage-limit term's 0.25, renormalised over the other four
        proxy = (0.30 * trial + 0.15 * request + 0.20 * f["open_expansion"] + 0.10 * ceiling_pct) / 0.75
        proxy = round(min(1.0, max(0.0, proxy)), 6)  # as defined: rounded to 6 decimals
        out.update(premium_feature_trials_30d=f["trials_30"], premium_trial_norm=trial,
                   feature_request_tickets_90d=f["requests_90"], feature_request_norm=request,
                   has_open_expansion_opp=f["open_expansion"], mrr_tier_ceiling_pct=ceiling_pct,
                   upgrade_propensity_proxy=proxy, is_high_propensity=proxy >= CUT, next_tier=next_tier,
                   proxy_expected_arr_uplift=float(risk["arr"] * (multiple - 1)) * proxy)
    else:
        out.update(premium_feature_trials_30d=None, premium_trial_norm=None,
                   feature_request_tickets_90d=None, feature_request_norm=None,
                   has_open_expansion_opp=None, mrr_tier_ceiling_pct=None,
                   upgrade_propensity_proxy=None, is_high_propensity=False, next_tier=None,
                   proxy_expected_arr_uplift=None)
    high_churn, high_propensity = out["is_high_churn_risk"], out["is_high_propensity"]
    out["quadrant"] = ("Flight Risk" if high_churn and high_propensity else
                       "Retention Priority" if high_churn else
                       "Growth Engine" if high_propensity else "Stable Base")
    return out


class Comparison:
    def __init__(self, name):
        self.name, self.rows, self.cells, self.problems = name, 0, 0, []

    def same(self, customer, column, actual, expected, kind):
        """actual is the mart's CSV text; expected a Python value (None: NULL)."""
        self.cells += 1
        if expected is None or actual == "":
            ok = expected is None and actual == ""
        elif kind == "bool":
            ok = actual == ("true" if expected else "false")
        elif kind == "exact":
            ok = Decimal(actual) == Decimal(expected)
        elif kind == "near":
            ok = abs(float(actual) - expected) <= 1e-9 * max(1.0, abs(expected))
        elif kind == "cents":  # money from a floating-point product, rounded to the cent
            ok = abs(Decimal(actual) - Decimal(repr(expected))) <= Decimal("0.005000001")
        else:
            ok = actual == str(expected)
        if not ok:
            self.problems.append(f"{self.name}: {customer}: {column} is {actual!r}, expected {expected!r}")

    def report(self, columns):
        print(f"{self.name}: {self.rows} rows, {columns} columns, "
              f"{self.cells - len(self.problems)} of {self.cells} values equal")
        for line in self.problems[:20]:
            print(line)
        return not self.problems


def read_mart(path):
    with open(path, newline="") as handle:
        return {row["customer_id"]: row for row in csv.DictReader(handle)}


def compare_ids(comparison, mart, customers):
    for missing in sorted(customers.keys() - mart.keys()):
        comparison.problems.append(f"{comparison.name}: {missing}: active but missing")
    for extra in sorted(mart.keys() - customers.keys()):
        comparison.problems.append(f"{comparison.name}: {extra}: in the mart but not active")


def main():
    directory, as_of, data_as_of, risk_path, quadrant_path = sys.argv[1:6]
    customers = features(directory, date.fromisoformat(as_of), date.fromisoformat(data_as_of))
    risk_mart, quadrant_mart = read_mart(risk_path), read_mart(quadrant_path)
    risk, quadrant = Comparison("risk_scores"), Comparison("propensity_quadrant")
    compare_ids(risk, risk_mart, customers)
    compare_ids(quadrant, quadrant_mart, customers)
    near_cut = 0
    for customer in sorted(customers.keys() & risk_mart.keys()):
        f, row = customers[customer], risk_mart[customer]
        want = expected_risk(f)
        risk.rows += 1
        risk.same(customer, "plan_tier", row["plan_tier"], f["plan_tier"], "text")
        risk.same(customer, "arr", row["arr"], want["arr"], "exact")
        for column, flag in zip(FLAG_COLUMNS, want["flags"]):
            risk.same(customer, column, row[column], flag, "bool")
        for column in ("rule_risk_score", "arr_at_risk", "intervention_value_10pct"):
            risk.same(customer, column, row[column], want[column], "exact")
        for column in ("driver_1", "driver_2"):
            risk.same(customer, column, row[column], want[column], "text")
        if customer not in quadrant_mart:
            continue
        q, got = expected_quadrant(f, want), quadrant_mart[customer]
        quadrant.rows += 1
        proxy = q["upgrade_propensity_proxy"]
        at_cut = proxy is not None and abs(proxy - CUT) < 1e-6
        near_cut += at_cut
        quadrant.same(customer, "plan_tier", got["plan_tier"], f["plan_tier"], "text")
        quadrant.same(customer, "arr", got["arr"], want["arr"], "exact")
        quadrant.same(customer, "usage_limit_norm", got["usage_limit_norm"], None, "text")
        for column, kind in (("is_expansion_candidate", "bool"), ("premium_feature_trials_30d", "text"),
                             ("premium_trial_norm", "near"), ("feature_request_tickets_90d", "text"),
                             ("feature_request_norm", "near"), ("has_open_expansion_opp", "bool"),
                             ("mrr_tier_ceiling_pct", "near"), ("churn_axis_score", "exact"),
                             ("is_high_churn_risk", "bool"), ("next_tier", "text")):
            quadrant.same(customer, column, got[column], q[column], kind)
        quadrant.same(customer, "upgrade_propensity_proxy", got["upgrade_propensity_proxy"], proxy, "near")
        quadrant.same(customer, "proxy_expected_arr_uplift", got["proxy_expected_arr_uplift"],
                      q["proxy_expected_arr_uplift"], "cents")
        if not at_cut:
            for column in ("is_high_propensity", "quadrant"):
                quadrant.same(customer, column, got[column], q[column],
                              "bool" if column.startswith("is_") else "text")
    ok = risk.report(len(risk_mart[next(iter(risk_mart))]) if risk_mart else 0)
    ok = quadrant.report(len(quadrant_mart[next(iter(quadrant_mart))]) if quadrant_mart else 0) and ok
    print(f"at the propensity cut-off (within 1e-6, not judged): {near_cut}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
