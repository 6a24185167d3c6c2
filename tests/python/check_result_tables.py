"""Checks that a result table vocloud writes as CSV, VOTable and HDF5 twins (candidates,
outliers) holds the same columns and values in all three, that the VOTable says which columns
are the id and the position (UCDs with meta.main) as VO tools expect, that stilts votlint finds
nothing to report and stilts tpipe reads it, and that the spectrum columns (id, label, ra, dec,
path) are those of the data set's rows. The expectations come from the data set (h5py) and
from astropy's and stilts' readings, not from vocloud.

usage: check_result_tables.py STEM H5FILE H5GROUP DATASET
  STEM     path without extension: STEM.csv and STEM.vot are read
  H5FILE   the HDF5 twin; H5GROUP the group holding its columns ("/" for the root)
  DATASET  the dataset.h5 whose rows the table lists (column "row")
"""
import csv
import subprocess
import sys

import h5py
import numpy as np
from astropy.io.votable import parse


def stilts(*args):
    run = subprocess.run(["stilts", *args], capture_output=True, text=True)
    return run.returncode, run.stdout + run.stderr


def main(stem, h5path, group, dataset):
    with open(stem + ".csv", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    table = parse(stem + ".vot").get_first_table()
    fields = [f.name for f in table.fields]
    h5 = h5py.File(h5path, "r")
    g = h5[group]
    assert header == fields, f"CSV columns {header} != VOTable columns {fields}"
    missing = [name for name in header if name not in g]
    assert not missing, f"{h5path}{group} lacks the columns {missing}"
    n = len(body)
    assert len(table.array) == n, (len(table.array), n)

    # Same values in the three twins, column by column.
    for j, name in enumerate(header):
        column = g[name]
        assert column.shape == (n,), (name, column.shape, n)
        text = [r[j] for r in body]
        vot = table.array[name]
        if h5py.check_string_dtype(column.dtype):
            ours = list(column.asstr()[()])  # UTF-8 strings read as str
            assert all(isinstance(v, str) for v in ours)
            assert ours == text, f"{name}: HDF5 and CSV differ"
            assert [str(v) for v in vot.filled("")] == text, f"{name}: VOTable and CSV differ"
        else:
            # Compared in the column's own type: text holds the shortest round-trip form.
            values = column[()]
            csv_values = np.array([float(t) if t else np.nan for t in text]).astype(values.dtype)
            assert np.array_equal(values, csv_values, equal_nan=values.dtype.kind == "f"), name
            vot_values = np.asarray(vot.filled(np.nan if values.dtype.kind == "f" else 0))
            assert np.array_equal(vot_values.astype(values.dtype), csv_values,
                                  equal_nan=values.dtype.kind == "f"), name
    print(f"{stem}: {n} rows, columns {header} equal in CSV, VOTable and HDF5")

    # The VO reading: UCDs of the main id and position, units of the position.
    ucd = {f.name: (f.ucd or "") for f in table.fields}
    unit = {f.name: str(f.unit or "") for f in table.fields}
    assert ucd["id"] == "meta.id;meta.main", ucd["id"]
    assert ucd["ra"] == "pos.eq.ra;meta.main" and unit["ra"] == "deg", (ucd["ra"], unit["ra"])
    assert ucd["dec"] == "pos.eq.dec;meta.main" and unit["dec"] == "deg", (ucd["dec"], unit["dec"])
    code, text = stilts("votlint", stem + ".vot")
    assert code == 0 and "ERROR" not in text and "WARNING" not in text, text
    code, text = stilts("tpipe", "in=" + stem + ".vot", "ifmt=votable", "omode=count")
    assert code == 0 and text.split()[-1] == str(n), text
    print(f"{stem}.vot: votlint clean; stilts tpipe counts {text.split()[-1]} rows; UCDs as VO tools expect")

    # The spectrum columns are the data set's rows.
    d = h5py.File(dataset, "r")
    listed = g["row"][()]
    for name in ("id", "label", "path"):
        want = list(d["/meta/" + name].asstr()[()][listed])
        assert list(g[name].asstr()[()]) == want, f"{name} is not the data set's"
    for name in ("ra", "dec"):
        assert np.array_equal(g[name][()], d["/meta/" + name][()][listed], equal_nan=True), name
    print(f"{stem}: id, label, path, ra and dec are those of the listed rows of {dataset}")

    # Attributes: strings read as str, counts as integers.
    for key, value in h5.attrs.items():
        if isinstance(value, (bytes, np.bytes_)):
            raise AssertionError(f"{h5path}@{key} reads as bytes, not str")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
