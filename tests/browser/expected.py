#!/usr/bin/python3
"""What the browser test expects to see in the report of an experiment, computed from the
experiment's HDF5 outputs and raw FITS files with h5py, numpy and astropy alone (never from
the report's data files), printed as JSON.

usage: expected.py EXPERIMENT_DIR [--members-per-node 50]
"""
import argparse
import json
import os

import h5py
import numpy as np


def strs(ds):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in ds[()]]


def floats(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=np.float64)]


def som_part(exp, listed):
    with h5py.File(os.path.join(exp, "som", "som.h5"), "r") as s:
        k = int(s.attrs["rows"]) * int(s.attrs["cols"])
        bmu, rows = s["spectra/bmu"][()], s["spectra/row"][()]
    hits = np.bincount(bmu, minlength=k)
    # The node under test: the fullest whose members are all listed (else the fullest).
    small = [n for n in range(k) if 0 < hits[n] <= listed]
    node = max(small, key=lambda n: hits[n]) if small else int(np.argmax(hits))
    members = sorted(int(r) for r in rows[bmu == node])
    return {"hits": [int(v) for v in hits], "node": int(node), "members": members}


def forest_part(exp):
    with h5py.File(os.path.join(exp, "forest", "forest.h5"), "r") as f:
        names = strs(f["classes/name"])
        lab, pred, rows = f["spectra/label"][()], f["cv/prediction"][()], f["spectra/row"][()]
    k = len(names)
    keep = lab >= 0
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (lab[keep], pred[keep]), 1)
    off = [(t, p) for t in range(k) for p in range(k) if t != p and confusion[t, p] > 0]
    t, p = max(off, key=lambda c: confusion[c]) if off else (0, 0)
    cell_rows = sorted(int(r) for r in rows[keep & (lab == t) & (pred == p)])
    cells = {"%d-%d" % (a, b): sorted(int(r) for r in rows[keep & (lab == a) & (pred == b)])
             for a in range(k) for b in range(k) if confusion[a, b] > 0}
    return {"classes": names, "confusion": confusion.tolist(), "cell": [int(t), int(p)], "cell_rows": cell_rows, "cells": cells}


def raw_sdss(path):
    from astropy.io import fits
    with fits.open(path) as h:
        t = h["COADD"].data
        wave = 10.0 ** t["loglam"].astype(np.float64)
        flux = t["flux"].astype(np.float64)
    order = np.argsort(wave, kind="stable")
    return {"wave": floats(wave[order]), "flux": floats(flux[order])}


def dataset_part(exp, rows):
    with h5py.File(os.path.join(exp, "preprocess", "dataset.h5"), "r") as d:
        ids, layouts, paths = strs(d["meta/id"]), strs(d["meta/layout"]), strs(d["meta/path"])
        flux = {str(r): floats(d["flux"][r]) for r in rows}
    sdss = [r for r in rows if layouts[r] == "sdss"]
    raw = {"row": sdss[0], **raw_sdss(paths[sdss[0]])} if sdss else None
    return {"ids": {str(r): ids[r] for r in rows}, "flux": flux, "raw": raw, "search_id": ids[rows[-1]], "search_row": rows[-1]}


def predict_part(exp):
    path = os.path.join(exp, "predict", "candidates.h5")
    if not os.path.exists(path):
        return None
    with h5py.File(path, "r") as c:
        return {"rows": [int(r) for r in c["row"][()]]}


def compare_part(exp):
    """Every kept SOM variant's folder name and its errors, read from its som.h5."""
    root = os.path.join(exp, ".variants", "som")
    out = {}
    for name in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        path = os.path.join(root, name, "som.h5")
        if not os.path.isfile(path):
            continue
        with h5py.File(path, "r") as s:
            out[name] = {"quantisation_error": float(s.attrs["quantisation_error"]),
                         "topographic_error": float(s.attrs["topographic_error"]),
                         "epochs": int(len(s["epochs/quantisation_error"]))}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("experiment")
    ap.add_argument("--members-per-node", type=int, default=50)
    a = ap.parse_args()
    som = som_part(a.experiment, a.members_per_node)
    forest = forest_part(a.experiment)
    data = dataset_part(a.experiment, sorted(set(som["members"]) | set(forest["cell_rows"])))
    print(json.dumps({"som": som, "forest": forest, "dataset": data, "predict": predict_part(a.experiment),
                      "compare": compare_part(a.experiment)}))


if __name__ == "__main__":
    main()
