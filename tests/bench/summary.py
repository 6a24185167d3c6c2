"""One table of every benchmark figure and its peer, from the JSON files the benchmarks of
one scripts/run-bench call wrote (each figure and its peer come from the same run).

usage: /usr/bin/python3 summary.py BENCH_OUT      prints a Markdown table on stdout
"""
import json
import os
import sys


def load(out, name):
    path = os.path.join(out, f"{name}.json")
    return json.load(open(path)) if os.path.exists(path) else None


def preprocess_rows(p):
    peer = p["peer"]["spectra_per_s"]
    one = [r for r in p["runs"] if r["config"] == "preprocess-bench" and r["ranks"] == 1][0]
    rate = p["n"] / one["seconds"]
    yield ("preprocess, 1 rank", f"{rate:.0f} spectra/s", f"astropy + numpy {peer:.0f}/s",
           f"{p['speedup_vs_numpy_per_core']:.1f}x per core", ">= 20x")


def read_rows(r):
    for layout in r["layouts"]:
        yield (f"read {layout['layout']}, 1 rank", f"{layout['one']['spectra_per_s']:.0f} spectra/s",
               f"astropy {layout['astropy']['spectra_per_s']:.0f}/s",
               f"{layout['speedup_vs_astropy_per_core']:.1f}x", ">= 25x")


def som_rows(s):
    peak = f"{s['peak']} SGEMM {s['peak_gflops']:.1f} GFLOP/s/core"
    base = [r for r in s["runs"] if r["map"] == 30 and r["ranks"] == 1]
    for r in s["runs"]:
        name = f"som N={s['n']} D={s['d']} {r['map']}x{r['map']}, {r['ranks']} rank(s)"
        yield (name + " epoch", f"{r['seconds_per_epoch']:.2f} s ({r['gflops']:.1f} GFLOP/s)", peak,
               f"{100 * r['fraction_of_peak_per_core']:.0f} % of peak per core", ">= 80 %")
        if r["map"] == 30 and r["ranks"] == 2 and base:
            yield (name + " efficiency", f"{r['efficiency']:.2f}", "1 rank", "", ">= 0.9")
        yield (name + " evaluation", f"{r['evaluate_seconds']:.2f} s", "its epoch",
               f"{r['evaluate_in_epochs']:.2f} epochs", "<= 1.5" if r["map"] == 30 else "")


def forest_rows(f):
    for dims in sorted({r["dims"] for r in f}):
        group = [r for r in f if r["dims"] == dims]
        sk = next((r for r in group if r["tool"].startswith("scikit")), None)
        one = next((r for r in group if r["tool"] == "vocloud 1 rank(s)"), None)
        for r in group:
            if not r["tool"].startswith("vocloud") or sk is None:
                continue
            acc = f", acc {r['accuracy']:.3f}" if r.get("accuracy") is not None else ""
            yield (f"forest {dims} features, {r['tool']}", f"{r['fit_seconds']:.1f} s{acc}",
                   f"scikit-learn {sk['fit_seconds']:.1f} s, acc {sk['accuracy']:.3f}",
                   f"{r['speedup_vs_sklearn']:.1f}x", ">= 20x at 2 ranks")
            if r["tool"] == "vocloud 2 rank(s)" and one:
                yield (f"forest {dims} features, efficiency 1 -> 2", f"{one['fit_seconds'] / (2 * r['fit_seconds']):.2f}",
                       "1 rank", "", ">= 0.9")
        for r in group:
            if r["tool"].startswith(("XGBoost", "ranger")) and sk is not None:
                acc = f", acc {r['accuracy']:.3f}" if r.get("accuracy") is not None else ""
                yield (f"forest {dims} features, peer {r['tool']}", f"{r['fit_seconds']:.1f} s{acc}",
                       f"scikit-learn {sk['fit_seconds']:.1f} s", f"{r['speedup_vs_sklearn']:.2f}x", "")


def main():
    out = sys.argv[1]
    rows = []
    for name, make in (("preprocess", preprocess_rows), ("read", read_rows), ("som", som_rows),
                       ("forest", forest_rows)):
        data = load(out, name)
        if data is not None:
            rows.extend(make(data))
    print("| figure | vocloud | peer (same run) | ratio | target |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
