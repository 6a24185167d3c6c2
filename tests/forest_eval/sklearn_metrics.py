"""scikit-learn's metrics of a classification, the independent reference of
test_metrics_sklearn.cpp.

usage: sklearn_metrics.py CASE.txt   (run with /usr/bin/python3)
CASE.txt: a line "classes rows", then one line per row: true class, predicted class and
`classes` scores. Prints "name v1 v2 ..." lines: accuracy, precision, recall, f1 (per class,
zero_division=0), macro_precision, macro_recall, macro_f1 (sklearn's default label set),
auc (one-vs-rest per class; nan when undefined) and macro_auc (multi_class="ovr").
"""
import sys

import numpy as np
from sklearn import metrics


def main():
    with open(sys.argv[1]) as f:
        classes, rows = (int(v) for v in f.readline().split())
        data = np.loadtxt(f, ndmin=2) if rows else np.zeros((0, classes + 2))
    truth, predicted = data[:, 0].astype(int), data[:, 1].astype(int)
    scores = data[:, 2:]
    labels = list(range(classes))
    out = {"accuracy": [metrics.accuracy_score(truth, predicted)]}
    for name, fn in (("precision", metrics.precision_score), ("recall", metrics.recall_score),
                     ("f1", metrics.f1_score)):
        out[name] = fn(truth, predicted, labels=labels, average=None, zero_division=0)
        out["macro_" + name] = [fn(truth, predicted, average="macro", zero_division=0)]
    auc = []
    for c in labels:
        positive = truth == c
        auc.append(metrics.roc_auc_score(positive, scores[:, c])
                   if 0 < positive.sum() < len(truth) else float("nan"))
    out["auc"] = auc
    # sklearn's multiclass form wants every class present and rows of scores summing to 1.
    if len(np.unique(truth)) == classes and classes > 2 and np.allclose(1, scores.sum(axis=1)):
        out["macro_auc"] = [metrics.roc_auc_score(truth, scores, multi_class="ovr", average="macro")]
    for name, values in out.items():
        print(name, " ".join(repr(float(v)) for v in values))


if __name__ == "__main__":
    main()
