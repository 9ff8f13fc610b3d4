#!/usr/bin/python3
"""forecast_figures.py — the quarter's forecast of a set of accounts,
computed here independently of Tenure's C code, for test_backtest.sh to
compare with backtest.json.

    forecast_figures.py ACCOUNTS.csv

ACCOUNTS.csv has no header; each line is "p,arr,churned": an account's
90-day churn probability, its ARR, and 1 when it churned within the 90 days.
Prints one JSON object:

  logos        the expected count (sum of p) and the equal-tailed 80 % and 95 %
               intervals [q(0.10), q(0.90)] and [q(0.025), q(0.975)] of the
               Poisson-binomial distribution, q(l) = min{k : P(X <= k) >= l}.
               The pmf comes from the characteristic function at the n + 1
               roots of unity, inverted by NumPy's FFT (Fernandez & Williams
               2010; Hong 2013): another method than the C code's recurrence.
  arr          the expected churned ARR (sum of p * arr) and its intervals
               from 100,000 simulated quarters (NumPy's Generator, seed 7),
               for an approximate comparison only.
  realized     the accounts that churned and their ARR.
"""
import csv
import json
import sys

import numpy as np


def poisson_binomial_pmf(p):
    n = len(p)
    omega = 2 * np.pi / (n + 1)
    roots = np.exp(1j * omega * np.arange(n + 1))
    # the characteristic function at each root, as a sum of logarithms (no underflow)
    logs = np.zeros(n + 1, dtype=complex)
    for value in p:
        logs += np.log(1 - value + value * roots) if value < 1 else np.log(roots)
    chi = np.exp(logs)
    pmf = np.real(np.fft.fft(chi)) / (n + 1)
    return np.clip(pmf, 0, None)


def quantile(pmf, level):
    cumulative = np.cumsum(pmf)
    return int(np.searchsorted(cumulative, level - 1e-12))


def main():
    rows = [(float(p), float(arr), int(y)) for p, arr, y in csv.reader(open(sys.argv[1]))]
    p = np.array([r[0] for r in rows])
    arr = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    pmf = poisson_binomial_pmf(p)
    rng = np.random.default_rng(7)
    lost = np.zeros(100000)
    for start in range(0, len(lost), 10000):
        draws = rng.random((10000, len(p))) < p
        lost[start:start + 10000] = draws @ arr
    print(json.dumps({
        "logos": {"expected": float(p.sum()),
                  "p80": [quantile(pmf, 0.10), quantile(pmf, 0.90)],
                  "p95": [quantile(pmf, 0.025), quantile(pmf, 0.975)]},
        "arr": {"expected": float(p @ arr),
                "p80": [float(np.quantile(lost, 0.10)), float(np.quantile(lost, 0.90))],
                "p95": [float(np.quantile(lost, 0.025)), float(np.quantile(lost, 0.975))]},
        "realized": {"logos": int(y.sum()), "arr": float(arr[y == 1].sum())},
    }))


if __name__ == "__main__":
    main()
