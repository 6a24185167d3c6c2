"""The scikit-learn peer of vocloud's random forest: cross-validation on given folds (for
accuracy comparisons) or the time of one fit (for the benchmark), on a vocloud dataset.h5.

usage: /usr/bin/python3 sklearn_forest.py --h5 dataset.h5 [--features /flux]
           [--labels /meta/label] [--folds-h5 F.h5 --folds-dataset NAME | --k 5]
           [--n-estimators 100] [--max-features sqrt] [--max-depth none]
           [--min-samples-leaf 1] [--criterion gini] [--class-weight none]
           [--bootstrap true] [--max-samples none] [--n-jobs 2] [--seed 0]
           [--fit-only] [--predictions-out OOF.h5]

Rows whose label is empty (unlabelled spectra) take no part. Classes are the distinct labels
in sorted order (class c = the c-th name). Folds: with --folds-h5, one integer per row of
the data set (labelled or not), rows with a negative fold left out, fold f tested on the
model fitted to the other folds; otherwise StratifiedKFold(k, shuffle=True, seed).
Per fold: accuracy, macro-F1 (zero_division=0), macro one-vs-rest ROC AUC (mean over the
classes with positives and negatives in the fold) and fit seconds; then mean and sample sd
(ddof=1) over folds. --fit-only times one fit on all labelled rows instead.
Prints one JSON object on stdout.
"""
import argparse
import json
import time

import h5py
import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold


def optional(parse):
    """A parser that maps 'none' to None."""
    return lambda text: None if text.lower() in ("none", "null", "") else parse(text)


def number(text):
    return float(text) if any(ch in text for ch in ".eE") else int(text)


def max_features(text):
    if text.lower() in ("sqrt", "log2"):
        return text.lower()
    if text.lower() in ("none", "all"):
        return None
    return number(text)


def boolean(text):
    if text.lower() in ("1", "true", "yes"):
        return True
    if text.lower() in ("0", "false", "no"):
        return False
    raise argparse.ArgumentTypeError(f"not a boolean: {text}")


def read_data(args):
    with h5py.File(args.h5, "r") as f:
        x = np.asarray(f[args.features][...], dtype=np.float32)
        raw = f[args.labels][...]
    names = np.array([v.decode() if isinstance(v, bytes) else str(v) for v in raw])
    if x.ndim != 2 or x.shape[0] != names.shape[0]:
        raise SystemExit(f"sklearn_forest: {args.features} {x.shape} and {args.labels} {names.shape} disagree")
    return x, names


def make_forest(args):
    return RandomForestClassifier(
        n_estimators=args.n_estimators, criterion=args.criterion, max_depth=args.max_depth,
        min_samples_leaf=args.min_samples_leaf, max_features=args.max_features,
        bootstrap=args.bootstrap, max_samples=args.max_samples if args.bootstrap else None,
        class_weight=args.class_weight, n_jobs=args.n_jobs, random_state=args.seed)


def macro_auc(y, proba, model_classes, classes):
    """Mean one-vs-rest AUC over the classes that have positives and negatives in y."""
    values = []
    for c in range(classes):
        positive = y == c
        if 0 < positive.sum() < len(y):
            column = np.flatnonzero(model_classes == c)
            score = proba[:, column[0]] if column.size else np.zeros(len(y))
            values.append(roc_auc_score(positive, score))
    return float(np.mean(values)) if values else float("nan")


def spread(values):
    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else None}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--h5", required=True)
    ap.add_argument("--features", default="/flux")
    ap.add_argument("--labels", default="/meta/label")
    ap.add_argument("--folds-h5")
    ap.add_argument("--folds-dataset", default="/cv/fold")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--n-estimators", type=int, default=100)
    ap.add_argument("--max-features", type=max_features, default="sqrt")
    ap.add_argument("--max-depth", type=optional(int), default=None)
    ap.add_argument("--min-samples-leaf", type=number, default=1)
    ap.add_argument("--criterion", choices=["gini", "entropy", "log_loss"], default="gini")
    ap.add_argument("--class-weight", type=optional(str), default=None,
                    choices=[None, "balanced", "balanced_subsample"])
    ap.add_argument("--bootstrap", type=boolean, default=True)
    ap.add_argument("--max-samples", type=optional(number), default=None)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fit-only", action="store_true")
    ap.add_argument("--predictions-out", help="HDF5 file for out-of-fold /oof/class and /oof/proba")
    args = ap.parse_args()

    start = time.perf_counter()
    x, names = read_data(args)
    read_seconds = time.perf_counter() - start
    labelled = names != ""
    class_names = np.unique(names[labelled])
    y_all = np.full(len(names), -1, dtype=np.int64)
    y_all[labelled] = np.searchsorted(class_names, names[labelled])
    params = {k: getattr(args, k) for k in ("n_estimators", "max_features", "max_depth",
                                            "min_samples_leaf", "criterion", "class_weight",
                                            "bootstrap", "max_samples", "n_jobs", "seed")}
    out = {"tool": "sklearn", "version": sklearn.__version__, "file": args.h5,
           "features": args.features, "rows": int(labelled.sum()), "dims": int(x.shape[1]),
           "classes": class_names.tolist(), "params": params, "read_seconds": round(read_seconds, 3)}

    if args.fit_only:
        rows = np.flatnonzero(labelled)
        t = time.perf_counter()
        make_forest(args).fit(x[rows], y_all[rows])
        out.update(mode="fit-only", fit_seconds=round(time.perf_counter() - t, 3))
        print(json.dumps(out))
        return

    if args.folds_h5:
        with h5py.File(args.folds_h5, "r") as f:
            fold_of = np.asarray(f[args.folds_dataset][...], dtype=np.int64).ravel()
        if fold_of.shape[0] != len(names):
            raise SystemExit(f"sklearn_forest: {fold_of.shape[0]} folds for {len(names)} rows")
        fold_of = np.where(labelled, fold_of, -1)
        out["fold_source"] = f"{args.folds_h5}:{args.folds_dataset}"
    else:
        fold_of = np.full(len(names), -1, dtype=np.int64)
        rows = np.flatnonzero(labelled)
        splitter = StratifiedKFold(n_splits=args.k, shuffle=True, random_state=args.seed)
        for f, (_, test) in enumerate(splitter.split(x[rows], y_all[rows])):
            fold_of[rows[test]] = f
        out["fold_source"] = f"StratifiedKFold(k={args.k}, shuffle, seed={args.seed})"

    folds = sorted(int(f) for f in np.unique(fold_of) if f >= 0)
    oof_class = np.full(len(names), -1, dtype=np.int64)
    oof_proba = np.zeros((len(names), len(class_names)), dtype=np.float32)
    per_fold = []
    for f in folds:
        train, test = np.flatnonzero((fold_of >= 0) & (fold_of != f)), np.flatnonzero(fold_of == f)
        model = make_forest(args)
        t = time.perf_counter()
        model.fit(x[train], y_all[train])
        fit_seconds = time.perf_counter() - t
        proba = model.predict_proba(x[test])
        predicted = model.classes_[np.argmax(proba, axis=1)]
        y = y_all[test]
        oof_class[test] = predicted
        oof_proba[np.ix_(test, model.classes_)] = proba
        per_fold.append({"fold": f, "train": int(len(train)), "test": int(len(test)),
                         "accuracy": float(accuracy_score(y, predicted)),
                         "macro_f1": float(f1_score(y, predicted, average="macro", zero_division=0)),
                         "macro_auc": macro_auc(y, proba, model.classes_, len(class_names)),
                         "fit_seconds": round(fit_seconds, 3)})
    out["folds"] = per_fold
    for key in ("accuracy", "macro_f1", "macro_auc"):
        out[key] = spread([p[key] for p in per_fold])
    out["fit_seconds"] = round(sum(p["fit_seconds"] for p in per_fold), 3)
    if args.predictions_out:
        with h5py.File(args.predictions_out, "w") as f:
            f.create_dataset("/oof/class", data=oof_class)
            f.create_dataset("/oof/proba", data=oof_proba)
            f.create_dataset("/oof/fold", data=fold_of)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
