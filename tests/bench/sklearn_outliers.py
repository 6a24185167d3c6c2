"""Ranks the rows of a som experiment's data set by scikit-learn's outlier detectors and
prints one JSON line: the share of injected outliers in the top 2 % for vocloud's scores
(read from som.h5) and for each peer, with the seconds each took.

usage: sklearn_outliers.py EXPERIMENT_DIR SNR_LABEL
"""
import json
import sys
import time

import h5py
import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor

experiment, label = sys.argv[1], sys.argv[2]
data = h5py.File(f"{experiment}/preprocess/dataset.h5", "r")
som = h5py.File(f"{experiment}/som/som.h5", "r")
timings = json.load(open(f"{experiment}/som/timings.json"))
X = data["/flux"][()].astype(np.float32)
kind = data["/meta/outlier_kind"][()].astype(str)
out = kind != ""
top_n = int(0.02 * len(X))


def recall(score):
    top = np.argsort(-score, kind="stable")[:top_n]
    by_kind = {k: float(np.isin(np.where(kind == k)[0], top).mean()) for k in sorted(set(kind[out]))}
    return float(np.isin(np.where(out)[0], top).mean()), by_kind


methods = []


def add(name, score, seconds):
    found, by_kind = recall(score)
    methods.append({"name": name, "found": found, "by_kind": by_kind, "seconds": seconds})


som_seconds = timings["steps"]["train"]["max"] + timings["steps"]["evaluate"]["max"]
add("vocloud SOM outlier score", som["/spectra/outlier_score"][()], som_seconds)
add("  manifold residual alone", som["/spectra/manifold_residual"][()], None)
add("  density factor alone", som["/spectra/density_factor"][()], None)
add("  BMU distance alone", som["/spectra/distance"][()], None)
for k in (20, 50):
    start = time.perf_counter()
    lof = LocalOutlierFactor(n_neighbors=k, n_jobs=1).fit(X)
    add(f"sklearn LOF k={k}", -lof.negative_outlier_factor_, time.perf_counter() - start)
start = time.perf_counter()
forest = IsolationForest(random_state=0, n_jobs=1).fit(X)
add("sklearn IsolationForest", -forest.score_samples(X), time.perf_counter() - start)

# Told which rows are normal: each row's distance to its nearest normal spectrum (itself
# excluded).
normal = X[~out].astype(np.float64)
nn = np.empty(len(X))
for first in range(0, len(X), 2000):
    block = X[first:first + 2000].astype(np.float64)
    d2 = (block**2).sum(1)[:, None] - 2 * block @ normal.T + (normal**2).sum(1)[None, :]
    rows = np.arange(first, first + len(block))
    own = np.cumsum(~out)[rows] - 1  # column of the row itself among the normal ones
    d2[np.where(~out[rows])[0], own[~out[rows]]] = np.inf
    nn[first:first + len(block)] = np.sqrt(np.maximum(d2.min(1), 0))
detectable = out & (nn > np.percentile(nn[~out], 98))
add("nearest normal (told)", nn, None)
print(json.dumps({"snr": label, "rows": len(X), "injected": int(out.sum()),
                  "detectable": int(detectable.sum()), "methods": methods}))
