"""Writes a synthetic classification data set in the layout of a vocloud dataset.h5, so the
forest benchmark can feed the same file to vocloud, scikit-learn (sklearn_forest.py) and
ranger (ranger_forest.R).

usage: /usr/bin/python3 make_forest_data.py OUT.h5 [--rows N] [--dims D] [--classes C]
           [--informative I] [--weights w0,w1,...] [--unlabelled FRACTION] [--seed S]

Datasets (as engine/preprocess/dataset_layout.cpp writes them):
  /flux              float32 [N, D], chunked by rows   the features
  /wave              float64 [D]                       a nominal grid (unit Angstrom)
  /meta/id           fixed-length ASCII, NULLPAD [N]   "row000000042"
  /meta/label        fixed-length ASCII, NULLPAD [N]   "class_0" ...; "" when unlabelled
  /meta/catalog_row  int64 [N]
Rows come from sklearn.datasets.make_classification (Gaussian clusters on the vertices of
a hypercube in I informative dimensions, the rest noise), shuffled.
Prints one JSON line: the file, shape, class counts and seconds.
"""
import argparse
import json
import time

import h5py
import numpy as np
from sklearn.datasets import make_classification


def fixed_strings(values):
    """numpy 'S<width>' array: h5py writes it as fixed-length ASCII NULLPAD, like vocloud."""
    width = max(1, max((len(v) for v in values), default=1))
    return np.array([v.encode("ascii") for v in values], dtype=f"S{width}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--dims", type=int, default=200)
    ap.add_argument("--classes", type=int, default=3)
    ap.add_argument("--informative", type=int, default=20)
    ap.add_argument("--clusters-per-class", type=int, default=2)
    ap.add_argument("--weights", default="", help="class proportions, e.g. 0.8,0.15,0.05")
    ap.add_argument("--flip", type=float, default=0.01, help="fraction of labels flipped at random")
    ap.add_argument("--unlabelled", type=float, default=0.0, help="fraction of rows with an empty label")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    start = time.perf_counter()
    weights = [float(w) for w in a.weights.split(",")] if a.weights else None
    x, y = make_classification(
        n_samples=a.rows, n_features=a.dims, n_informative=a.informative, n_redundant=0,
        n_repeated=0, n_classes=a.classes, n_clusters_per_class=a.clusters_per_class,
        weights=weights, flip_y=a.flip, shuffle=True, random_state=a.seed)
    labels = [f"class_{c}" for c in y]
    rng = np.random.default_rng(a.seed + 1)
    if a.unlabelled > 0:
        for i in np.flatnonzero(rng.random(a.rows) < a.unlabelled):
            labels[i] = ""
    chunk_rows = max(1, min(a.rows, (1 << 20) // (4 * a.dims)))  # about 1 MiB chunks
    with h5py.File(a.out, "w") as f:
        f.create_dataset("/flux", data=x.astype(np.float32), chunks=(chunk_rows, a.dims),
                         maxshape=(None, a.dims))
        wave = f.create_dataset("/wave", data=np.linspace(4000.0, 7000.0, a.dims))
        wave.attrs["unit"] = "Angstrom"
        f.create_dataset("/meta/id", data=fixed_strings([f"row{i:09d}" for i in range(a.rows)]),
                         maxshape=(None,))
        f.create_dataset("/meta/label", data=fixed_strings(labels), maxshape=(None,))
        f.create_dataset("/meta/catalog_row", data=np.arange(a.rows, dtype=np.int64), maxshape=(None,))
        f.attrs["generator"] = "tests/bench/make_forest_data.py"
        f.attrs["seed"] = a.seed
    names, counts = np.unique(np.array(labels), return_counts=True)
    print(json.dumps({"file": a.out, "rows": a.rows, "dims": a.dims,
                      "classes": {str(n): int(c) for n, c in zip(names, counts)},
                      "seconds": round(time.perf_counter() - start, 3)}))


if __name__ == "__main__":
    main()
