#!/usr/bin/env python3
"""Checks the HTML preview (the report's spectrum view of the chosen spectra) against h5py's
reading of the data set.

  view_check.py FOLDER DATASET.h5 D ID:RAWPOINTS ...
      FOLDER/data holds overview.js opening at the first spectrum, grid.js with the D grid
      wavelengths of /wave, spectra/index.js listing the ids in order, and shards holding
      each spectrum with RAWPOINTS raw points and the normalised panel equal to its /flux
      and /mask rows.
"""
import base64, json, re, sys
import h5py
import numpy as np


def load(folder, name):
    text = open(f"{folder}/data/{name}.js", encoding="utf-8").read()
    m = re.fullmatch(r'vocloudData\("([^"]+)", (.*)\);\n', text, re.S)
    assert m and m.group(1) == name, f"{name}.js: not the one-line wrapper"
    return json.loads(m.group(2))


def typed(obj):
    dtype = {"f32": "<f4", "f64": "<f8", "i32": "<i4", "u8": "u1"}[obj["dtype"]]
    return np.frombuffer(base64.b64decode(obj["b64"]), dtype=dtype).reshape(obj["shape"])


def main(folder, dataset, dims, expected):
    data = h5py.File(dataset, "r")
    ids = data["/meta/id"].asstr()[()].tolist()
    wanted = [e.rsplit(":", 1) for e in expected]
    rows = [ids.index(i) for i, _ in wanted]
    grid = typed(load(folder, "grid")["wave"])
    assert len(grid) == dims and np.array_equal(grid, data["/wave"][()]), "grid"
    overview = load(folder, "overview")
    assert overview["start"] == f"#/spectrum/{rows[0]}", overview.get("start")
    index = load(folder, "spectra/index")
    assert index["id"] == [i for i, _ in wanted] and index["row"] == rows, index
    spectra = {}
    for s in sorted(set(index["shard"])):
        for sp in load(folder, f"spectra/shard-{s:06d}")["spectra"]:
            spectra[sp["row"]] = sp
    for (i, raw), r in zip(wanted, rows):
        sp = spectra[r]
        assert sp["id"] == i
        norm = sp["stages"]["normalised"]
        assert np.array_equal(typed(norm["flux"]), data["/flux"][r]), f"{i}: normalised flux"
        assert np.array_equal(typed(norm["mask"]), data["/mask"][r]), f"{i}: mask"
        assert len(typed(sp["stages"]["raw"]["flux"])) == int(raw), f"{i}: raw points"
        print(f"{i}: row {r}, {raw} raw points, normalised panel equals /flux[{r}]")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:])
