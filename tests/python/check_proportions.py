"""Checks the class, layout and outlier proportions of a synthetic catalog.csv against the
configured weights: each count must lie within 4 binomial standard deviations of its
expectation (a false alarm about once in 16,000 checks).

usage: check_proportions.py CATALOG --classes a=w,... --layouts a=w,... --outlier-fraction F
"""
import argparse
import csv
import math
import sys


def weights(text):
    pairs = [item.split("=") for item in text.split(",")]
    total = sum(float(w) for _, w in pairs)
    return {name: float(w) / total for name, w in pairs}


def check(title, counts, expected, n):
    ok = True
    for name, p in expected.items():
        got = counts.get(name, 0)
        mean, sd = n * p, math.sqrt(n * p * (1 - p)) or 1.0
        z = (got - mean) / sd
        flag = "ok" if abs(z) <= 4 else "FAIL"
        ok &= abs(z) <= 4
        print(f"{title:8s} {name:16s} {got:7d}  expected {mean:9.1f}  z={z:+.2f}  {flag}")
    unknown = set(counts) - set(expected)
    if unknown:
        print(f"{title}: unexpected values {sorted(unknown)}")
        ok = False
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("catalog")
    parser.add_argument("--classes", required=True)
    parser.add_argument("--layouts", required=True)
    parser.add_argument("--outlier-fraction", type=float, required=True)
    args = parser.parse_args()
    with open(args.catalog, newline="") as f:
        rows = list(csv.DictReader(f))
    expected_columns = ["id", "path", "format", "label", "outlier_kind", "ra", "dec", "z", "snr"]
    with open(args.catalog) as f:
        header = f.readline().strip().split(",")
    if header != expected_columns:
        print(f"catalog columns {header} != {expected_columns}")
        return 1
    n = len(rows)
    classes, layouts = {}, {}
    outliers = 0
    for r in rows:
        classes[r["label"]] = classes.get(r["label"], 0) + 1
        layouts[r["format"]] = layouts.get(r["format"], 0) + 1
        outliers += r["outlier_kind"] != ""
    ok = check("class", classes, weights(args.classes), n)
    ok &= check("layout", layouts, weights(args.layouts), n)
    ok &= check("outlier", {"yes": outliers}, {"yes": args.outlier_fraction}, n)
    ids = [r["id"] for r in rows]
    if len(set(ids)) != n:
        print("duplicate ids in the catalog")
        ok = False
    print(f"{n} rows: {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
