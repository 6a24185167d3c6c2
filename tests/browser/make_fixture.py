#!/usr/bin/python3
"""Writes a report's data/*.js files from a finished experiment's HDF5 outputs, following
docs/report-data.md, with h5py, numpy and astropy only (no vocloud code).

Stands in for `vocloud report` until the C++ writer lands, and doubles as an independent
reading of the contract. The raw and cut stages are read with astropy for the SDSS layout
only (other spectra leave them out, as the contract allows); for those SDSS spectra the
resampled and continuum panels get stand-ins (see resampled_stand_in), only so that the page
draws every panel.

usage: make_fixture.py EXPERIMENT_DIR REPORT_DIR [--per-shard N] [--members N] [--node-shard N]
"""
import argparse
import base64
import json
import os
import sys

import h5py
import numpy as np
import yaml

STAGE_ORDER = ["acquire", "synth", "preprocess", "som", "forest", "predict"]


def b64(values, dtype):
    arr = np.ascontiguousarray(np.asarray(values), dtype={"f32": "<f4", "f64": "<f8", "i32": "<i4", "u8": "u1"}[dtype])
    return {"dtype": dtype, "shape": list(arr.shape), "b64": base64.b64encode(arr.tobytes()).decode()}


def strs(ds):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in ds[()]]


def num(v):
    v = float(v)
    return None if not np.isfinite(v) else v


def write(report, name, payload):
    path = os.path.join(report, "data", name + ".js")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write('vocloudData(%s, %s);\n' % (json.dumps(name), json.dumps(payload, allow_nan=False)))


def counts(names):
    out = {}
    for n in names:
        out[n] = out.get(n, 0) + 1
    return [{"name": k, "count": v} for k, v in sorted(out.items())]


def stages(exp):
    out = []
    for name in STAGE_ORDER:
        path = os.path.join(exp, name, "stage.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            s = json.load(f)
        files = sorted(os.path.join(name, p) for p in os.listdir(os.path.join(exp, name)) if os.path.isfile(os.path.join(exp, name, p)))
        out.append({"name": name, "fingerprint": s["fingerprint"], "status": "computed", "seconds": s["seconds"],
                    "started": s["started"], "ended": s["ended"], "summary": s["summary"], "outputs": files})
    return out


def overview(exp, ds, config, index_count, per_shard, pages):
    pre = config.get("preprocess", {})
    wave = ds["wave"][()]
    labels = strs(ds["meta/label"])
    reasons = [r.split(":")[0] for r in strs(ds["rejected/reason"])]
    return {
        "experiment": config["experiment"], "engine_version": ds.attrs["vocloud_version"],
        "created": "2026-12-07T12:00:00Z", "config_yaml": ds.attrs["effective_config"],
        "stages": stages(exp), "pages": pages,
        "dataset": {
            "path": "preprocess/dataset.h5", "rows": int(ds["flux"].shape[0]), "rejected": len(reasons),
            "classes": counts(labels), "layouts": counts(strs(ds["meta/layout"])),
            "grid": {"from": float(wave[0]), "to": float(wave[-1]), "points": int(len(wave)),
                     "spacing": pre.get("grid", "linear"), "frame": pre.get("frame", "vacuum"),
                     "rest_frame": bool(pre.get("rest_frame", False)), "unit": "Angstrom"},
            "rejected_reasons": [{"reason": c["name"], "count": c["count"]} for c in counts(reasons)],
            "pca": {"explained_variance_ratio": [float(v) for v in ds["pca/explained_variance_ratio"][()]] if "pca" in ds else []},
        },
        "spectra_index": {"shards": (index_count + per_shard - 1) // per_shard, "per_shard": per_shard, "count": index_count},
    }


def rejected(ds):
    ids, paths, reasons = strs(ds["rejected/id"]), strs(ds["rejected/path"]), strs(ds["rejected/reason"])
    return {"count": len(ids), "listed": len(ids), "rows": [{"id": i, "path": p, "reason": r} for i, p, r in zip(ids, paths, reasons)]}


class Experiment:
    """The HDF5 outputs of one experiment, opened once."""

    def __init__(self, exp):
        self.exp = exp
        self.ds = h5py.File(os.path.join(exp, "preprocess", "dataset.h5"), "r")
        self.som = self._open("som/som.h5")
        self.forest = self._open("forest/forest.h5")
        self.cand = self._open("predict/candidates.h5")
        self.config = yaml.safe_load(self.ds.attrs["effective_config"])
        self.bok = self.ds.attrs.get("bok", "")
        self.flux = self.ds["flux"][()]
        self.mask = self.ds["mask"][()]
        self.ids = strs(self.ds["meta/id"])
        self.labels = strs(self.ds["meta/label"])

    def _open(self, rel):
        path = os.path.join(self.exp, rel)
        return h5py.File(path, "r") if os.path.exists(path) else None


def node_members(x, limit):
    """Per node: the member positions in som.h5's /spectra, closest first."""
    bmu, dist = x.som["spectra/bmu"][()], x.som["spectra/distance"][()]
    order = np.lexsort((np.arange(len(bmu)), dist))
    k = int(x.som.attrs["rows"]) * int(x.som.attrs["cols"])
    members = [[] for _ in range(k)]
    for i in order:
        members[bmu[i]].append(int(i))
    return members, [m[:limit] for m in members]


def forest_cells(x, limit):
    """Per confusion cell (t, p): the forest /spectra positions, every one off the diagonal."""
    lab, pred = x.forest["spectra/label"][()], x.forest["cv/prediction"][()]
    k = len(x.forest["classes/name"])
    cells = {}
    for t in range(k):
        for p in range(k):
            pos = [int(i) for i in np.nonzero((lab == t) & (pred == p))[0]]
            if pos:
                cells[(t, p)] = (len(pos), pos[:limit] if t == p else pos)
    return cells


def included_rows(x, outliers_listed, node_sample, cells):
    """Dataset rows of the report, in the contract's order, each once."""
    order = []
    if x.som is not None:
        order += list(x.som["outliers/row"][:outliers_listed])
    if x.cand is not None:
        order += list(x.cand["row"][()])
    if x.forest is not None:
        frow = x.forest["spectra/row"][()]
        order += [frow[i] for (t, p), (_, pos) in sorted(cells.items()) if t != p for i in pos]
    if x.som is not None:
        srow = x.som["spectra/row"][()]
        order += [srow[i] for m in node_sample for i in m]
    if x.forest is not None:
        order += [frow[i] for (t, p), (_, pos) in sorted(cells.items()) if t == p for i in pos]
    seen, rows = set(), []
    for r in order:
        if int(r) not in seen:
            seen.add(int(r))
            rows.append(int(r))
    return rows


def som_payload(x, members, sample, shard_of, outliers_listed, node_shard):
    s = x.som
    k = len(members)
    srow = s["spectra/row"][()]
    o = {key: s["outliers/" + key][()][:outliers_listed] for key in ("rank", "row", "score", "bmu")}
    return {
        "rows": int(s.attrs["rows"]), "cols": int(s.attrs["cols"]), "grid": s.attrs["grid"], "topology": s.attrs["topology"],
        "quantisation_error": float(s.attrs["quantisation_error"]), "topographic_error": float(s.attrs["topographic_error"]),
        "epochs": {key: [float(v) for v in s["epochs/" + key][()]] for key in ("quantisation_error", "topographic_error", "radius")},
        "nodes": {key: [num(v) for v in s["nodes/" + key][()]] for key in ("x", "y", "row", "col", "hits", "umatrix", "density", "sparse")},
        "classes": {"names": strs(s["classes/name"]), "hits": [[num(v) for v in r] for r in s["classes/hits"][()]]},
        "node_shards": {"count": (k + node_shard - 1) // node_shard, "per_shard": node_shard},
        "outliers": {"count": int(len(s["outliers/rank"])), "listed": int(len(o["rank"])),
                     "rank": [int(v) for v in o["rank"]], "row": [int(v) for v in o["row"]],
                     "id": strs(s["outliers/id"])[:outliers_listed], "label": strs(s["outliers/label"])[:outliers_listed],
                     "score": [num(v) for v in o["score"]], "bmu": [int(v) for v in o["bmu"]],
                     "shard": [shard_of.get(int(r), -1) for r in o["row"]]},
    }


def node_shards(x, report, members, sample, shard_of, per):
    s = x.som
    srow, dist, score = s["spectra/row"][()], s["spectra/distance"][()], s["spectra/outlier_score"][()]
    book = s["codebook"][()]
    for first in range(0, len(members), per):
        out = []
        for node in range(first, min(first + per, len(members))):
            pos = sample[node]
            rows = [int(srow[i]) for i in pos]
            out.append({"count": len(members[node]), "row": rows, "id": [x.ids[r] for r in rows],
                        "label": [x.labels[r] for r in rows], "distance": [num(dist[i]) for i in pos],
                        "outlier_score": [num(score[i]) for i in pos], "shard": [shard_of.get(r, -1) for r in rows]})
        write(report, "som/nodes-%04d" % (first // per),
              {"first": first, "codebook": b64(book[first:first + per], "f32"), "members": out})


def mean_sd(values):
    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0}


def roc(truth, score):
    """One-vs-rest ROC of a score, at most 201 points (thresholds at quantiles)."""
    thresholds = np.unique(np.quantile(score, np.linspace(0, 1, 199)))[::-1]
    pos, neg = max(1, truth.sum()), max(1, (~truth).sum())
    fpr = [0.0] + [float(((score >= t) & ~truth).sum() / neg) for t in thresholds] + [1.0]
    tpr = [0.0] + [float(((score >= t) & truth).sum() / pos) for t in thresholds] + [1.0]
    return fpr, tpr, float(np.trapz(tpr, fpr))


def forest_payload(x):
    f = x.forest
    names = strs(f["classes/name"])
    k = len(names)
    lab, prob = f["spectra/label"][()], f["cv/probability"][()]
    per = lambda key: f["cv/" + key][()]
    curves = []
    for c in range(k):
        fpr, tpr, auc = roc(lab == c, prob[:, c])
        curves.append({"class": names[c], "fpr": fpr, "tpr": tpr, "auc": auc})
    labels = np.array(x.labels)
    return {
        "classes": names, "folds": int(len(per("accuracy"))), "group_by": "",
        "accuracy": mean_sd(per("accuracy")), "macro_f1": mean_sd(per("macro_f1")), "macro_auc": mean_sd(per("macro_auc")),
        "confusion": f["cv/confusion"][()].sum(axis=0).reshape(k, k).astype(int).tolist(),
        "per_class": [{"class": names[c], "precision": mean_sd(per("precision")[:, c]), "recall": mean_sd(per("recall")[:, c]),
                       "f1": mean_sd(per("f1")[:, c]), "auc": mean_sd(per("auc")[:, c]), "support": int((lab == c).sum())}
                      for c in range(k)],
        "per_fold": [{"fold": i, "accuracy": float(per("accuracy")[i]), "macro_f1": float(per("macro_f1")[i]),
                      "macro_auc": float(per("macro_auc")[i])} for i in range(len(per("accuracy")))],
        "roc": curves,
        "importance": {"impurity": b64(f["importance/impurity"][()], "f64"), "permutation": b64(f["importance/permutation"][()], "f64")},
        "features": f.attrs.get("features", "flux"),
        "class_mean": {n: b64(x.flux[labels == n].mean(axis=0), "f32") for n in names if (labels == n).any()},
        "cell_shards": True,
    }


def cell_files(x, report, cells, shard_of):
    f = x.forest
    names = strs(f["classes/name"])
    frow, prob = f["spectra/row"][()], f["cv/probability"][()]
    for (t, p), (count, pos) in cells.items():
        rows = [int(frow[i]) for i in pos]
        write(report, "forest/cell-%d-%d" % (t, p), {
            "count": count, "row": rows, "id": [x.ids[r] for r in rows], "true": names[t], "predicted": names[p],
            "probability": [[num(v) for v in prob[i]] for i in pos], "shard": [shard_of.get(r, -1) for r in rows]})


def predict_payload(x, shard_of):
    c = x.cand
    rows = [int(r) for r in c["row"][()]]
    return {"class": c.attrs["class"], "count": len(rows), "rank": [int(v) for v in c["rank"][()]], "row": rows,
            "id": strs(c["id"]), "label": strs(c["label"]), "predicted": strs(c["predicted"]),
            "probability": [num(v) for v in c["probability"][()]], "estimate": strs(c["estimate"]),
            "shard": [shard_of.get(r, -1) for r in rows]}


def raw_sdss(path, grid_from, grid_to):
    """The raw and cut stages of an SDSS coadd file, read with astropy (vacuum wavelengths)."""
    from astropy.io import fits
    with fits.open(path) as h:
        t = h["COADD"].data
        wave = 10.0 ** t["loglam"].astype(np.float64)
        flux = t["flux"].astype(np.float32)
        mask = ((t["and_mask"] != 0) | (t["ivar"] <= 0)).astype(np.uint8)
    keep = (wave >= grid_from) & (wave <= grid_to)
    return {"raw": {"wave": b64(wave, "f64"), "flux": b64(flux, "f32"), "mask": b64(mask, "u8"),
                    "frame": "vacuum", "cut_from": grid_from, "cut_to": grid_to},
            "cut": {"wave": b64(wave[keep], "f64"), "flux": b64(flux[keep], "f32")}}


def resampled_stand_in(raw, grid, normalised):
    """Stand-ins for the resampled and continuum stages (vocloud rebins; this interpolates),
    with continuum = resampled / normalised so the three panels agree with each other."""
    wave = np.frombuffer(base64.b64decode(raw["wave"]["b64"]), "<f8")
    flux = np.frombuffer(base64.b64decode(raw["flux"]["b64"]), "<f4").astype(np.float64)
    mask = np.frombuffer(base64.b64decode(raw["mask"]["b64"]), "u1")
    resampled = np.interp(grid, wave, flux)
    masked = np.interp(grid, wave, mask.astype(np.float64)) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        continuum = np.where(np.isfinite(normalised) & (normalised != 0), resampled / normalised, np.nan)
    return {"resampled": {"flux": b64(resampled, "f32"), "mask": b64(masked, "u8")}, "continuum": {"flux": b64(continuum, "f32")}}


def spectrum(x, row, extras):
    ds = x.ds
    stages = {"normalised": {"flux": b64(x.flux[row], "f32"), "mask": b64(x.mask[row], "u8")}}
    if "features/pca" in ds:
        recon = ds["pca/mean"][()] + ds["features/pca"][row] @ ds["pca/components"][()]
        stages["pca"] = {"flux": b64(recon, "f32")}
    layout = ds["meta/layout"][row].decode()
    path = ds["meta/path"][row].decode()
    if layout == "sdss" and os.path.exists(path):
        wave = ds["wave"][()]
        stages.update(raw_sdss(path, float(wave[0]), float(wave[-1])))
        stages.update(resampled_stand_in(stages["raw"], wave, x.flux[row]))
    meta = lambda key: num(ds["meta/" + key][row])
    return {"row": row, "id": x.ids[row], "object": "", "ra": meta("ra"), "dec": meta("dec"), "z": meta("z"),
            "snr": meta("snr"), "label": x.labels[row], "layout": layout, "path": path, "source_url": "",
            "stages": stages, "raw_error": "", "som": extras["som"].get(row), "forest": extras["forest"].get(row)}


def per_row_extras(x):
    """The som and forest parts of each spectrum, by dataset row."""
    out = {"som": {}, "forest": {}}
    if x.som is not None:
        s = x.som
        rank = {int(r): int(k) for r, k in zip(s["outliers/row"][()], s["outliers/rank"][()])}
        for i, r in enumerate(s["spectra/row"][()]):
            out["som"][int(r)] = {"bmu": int(s["spectra/bmu"][i]), "distance": num(s["spectra/distance"][i]),
                                  "outlier_score": num(s["spectra/outlier_score"][i]), "outlier_rank": rank.get(int(r), -1)}
    if x.forest is not None:
        f = x.forest
        names = strs(f["classes/name"])
        lab, pred, prob, fold = (f[k][()] for k in ("spectra/label", "cv/prediction", "cv/probability", "cv/fold"))
        for i, r in enumerate(f["spectra/row"][()]):
            out["forest"][int(r)] = {"fold": int(fold[i]), "true": names[lab[i]] if lab[i] >= 0 else "",
                                     "predicted": names[pred[i]], "probability": [num(v) for v in prob[i]], "estimate": "out of fold"}
    return out


def spectra_files(x, report, rows, per):
    extras = per_row_extras(x)
    for first in range(0, len(rows), per):
        write(report, "spectra/shard-%06d" % (first // per), {"spectra": [spectrum(x, r, extras) for r in rows[first:first + per]]})
    write(report, "spectra/index", {"count": len(rows), "row": rows, "id": [x.ids[r] for r in rows],
                                    "object": ["" for _ in rows], "label": [x.labels[r] for r in rows],
                                    "shard": [i // per for i in range(len(rows))]})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("experiment")
    ap.add_argument("report")
    ap.add_argument("--per-shard", type=int, default=50)
    ap.add_argument("--members", type=int, default=50)
    ap.add_argument("--cell-sample", type=int, default=200)
    ap.add_argument("--outliers", type=int, default=1000)
    ap.add_argument("--node-shard", type=int, default=100)
    a = ap.parse_args()
    x = Experiment(a.experiment)
    members, sample = node_members(x, a.members) if x.som is not None else ([], [])
    cells = forest_cells(x, a.cell_sample) if x.forest is not None else {}
    rows = included_rows(x, a.outliers, sample, cells)
    shard_of = {r: i // a.per_shard for i, r in enumerate(rows)}
    pages = {"som": x.som is not None, "forest": x.forest is not None, "predict": x.cand is not None}
    write(a.report, "overview", overview(a.experiment, x.ds, x.config, len(rows), a.per_shard, pages))
    write(a.report, "rejected", rejected(x.ds))
    write(a.report, "grid", {"wave": b64(x.ds["wave"][()], "f64")})
    spectra_files(x, a.report, rows, a.per_shard)
    if x.som is not None:
        write(a.report, "som", som_payload(x, members, sample, shard_of, a.outliers, a.node_shard))
        node_shards(x, a.report, members, sample, shard_of, a.node_shard)
    if x.forest is not None:
        write(a.report, "forest", forest_payload(x))
        cell_files(x, a.report, cells, shard_of)
    if x.cand is not None:
        write(a.report, "predict", predict_payload(x, shard_of))
    print("make_fixture: %d spectra in %d shards -> %s/data" % (len(rows), (len(rows) + a.per_shard - 1) // a.per_shard, a.report))


if __name__ == "__main__":
    sys.exit(main())
