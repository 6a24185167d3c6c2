#!/usr/bin/python3
"""Checks the SAMP messages a report page sent (RECORD, written by samp_hub.py's recording
client) against what the page showed (PAGE.json, from samp.test.mjs) and the experiment's own
files, read with h5py and astropy alone (never the report's data files):

- the page registered through the Web Profile (its Origin is printed: "null" under file://);
- spectrum.load.ssa-generic: the URL is a file:// URL of an existing file, the same file as
  dataset.h5's /meta/path of the spectrum's row, astropy reads it, and the metadata names
  the row's /meta/id;
- table.load.votable once, then table.select.rowList: the VOTable at the URL parses with
  astropy and holds one row per spectrum the report includes; the selected rows are exactly
  the rows the page listed for the node, which are exactly the spectra som.h5 puts in it,
  with their dataset.h5 ids, and the same url/table-id as the load.

usage: samp_check.py EXPERIMENT_DIR RECORD PAGE.json [--no-registration-record]
"""
import json
import os
import sys
import tempfile
from urllib.parse import unquote, urlparse
from urllib.request import urlopen

import h5py
import numpy as np
from astropy.io import fits, votable

failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def strs(ds):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in ds[()]]


def local_path(url):
    """The file of a file:// URL; an http:// URL (the report served by the test) is fetched
    into a temporary file. None for anything else."""
    u = urlparse(url)
    if u.scheme == "file" and u.netloc in ("", "localhost"):
        return unquote(u.path)
    if u.scheme == "http":
        fd, path = tempfile.mkstemp(suffix=os.path.basename(u.path))
        with os.fdopen(fd, "wb") as f, urlopen(url, timeout=30) as r:
            f.write(r.read())
        return path
    return None


def dataset(exp):
    with h5py.File(os.path.join(exp, "preprocess", "dataset.h5"), "r") as d:
        bok = d.attrs.get("bok", "")
        bok = bok.decode() if isinstance(bok, bytes) else str(bok)
        return strs(d["meta/id"]), strs(d["meta/path"]), bok


def resolve(path, bok, exp):
    if os.path.isabs(path):
        return path
    for base in (bok, os.path.join(exp, "preprocess")):
        if base and os.path.exists(os.path.join(base, path)):
            return os.path.join(base, path)
    return path


def check_spectrum(exp, messages, page):
    ids, paths, bok = dataset(exp)
    row = page["spectrum_row"]
    sent = [m for m in messages if m.get("mtype") == "spectrum.load.ssa-generic"]
    check(len(sent) == 1, f"one spectrum.load.ssa-generic received ({len(sent)})")
    if not sent:
        return
    p = sent[0]["params"]
    path = local_path(p["url"])
    check(path is not None and os.path.isfile(path), f"the spectrum's URL is a file that exists: {p['url']}")
    want = resolve(paths[row], bok, exp)
    check(path is not None and os.path.realpath(path) == os.path.realpath(want),
          f"it is dataset.h5 /meta/path of row {row}: {want}")
    flux, cards = 0, set()
    with fits.open(path) as h:
        for hdu in h:
            cards.update(str(v).strip() for v in hdu.header.values())
            if isinstance(hdu, fits.BinTableHDU):
                names = {n.lower(): n for n in hdu.columns.names}
                if "flux" in names:
                    flux += int(np.isfinite(np.asarray(hdu.data[names["flux"]], dtype=float)).sum())
            elif hdu.data is not None:
                flux += int(np.isfinite(np.asarray(hdu.data, dtype=float)).sum())
    check(flux > 10, f"astropy reads the spectrum from the file ({flux} finite flux values)")
    meta = p.get("meta", {})
    check(meta.get("ssa:DataID.Title") == ids[row], f"its SSA title is the row's id {ids[row]}")
    check(meta.get("ssa:Access.Format") == "application/fits", "its SSA format is application/fits")
    check(p.get("name") == ids[row], "its name is the row's id")
    if "ssa:Target.Name" in meta:
        check(meta["ssa:Target.Name"] in cards, f"its target name {meta['ssa:Target.Name']!r} is in the file's FITS header")


def node_members(exp, node):
    with h5py.File(os.path.join(exp, "som", "som.h5"), "r") as s:
        bmu, rows = s["spectra/bmu"][()], s["spectra/row"][()]
    return sorted(int(r) for r in rows[bmu == node])


def check_table(exp, messages, page):
    ids, _, _ = dataset(exp)
    loads = [m for m in messages if m.get("mtype") == "table.load.votable"]
    selects = [m for m in messages if m.get("mtype") == "table.select.rowList"]
    check(len(loads) == 1 and len(selects) == 1, f"one table.load.votable then one table.select.rowList ({len(loads)}, {len(selects)})")
    if not loads or not selects:
        return
    check(messages.index(loads[0]) < messages.index(selects[0]), "the table is loaded before its rows are selected")
    load, select = loads[0]["params"], selects[0]["params"]
    check(select["url"] == load["url"] and select["table-id"] == load["table-id"], "the selection names the loaded table (url, table-id)")
    path = local_path(load["url"])
    check(path is not None and os.path.isfile(path), f"the table's URL is a file that exists: {load['url']}")
    table = votable.parse_single_table(path).to_table()
    check(len(table) == len(ids), f"astropy parses the VOTable: one row per spectrum (all {len(ids)} are in this small report): {len(table)}")
    picked = [int(v) for v in select["row-list"]]
    check(all(0 <= i < len(table) for i in picked), "every selected row is a row of the table")
    rows = [int(table["row"][i]) for i in picked if 0 <= i < len(table)]
    check(rows == page["node_rows"], f"the selected rows are the rows the page listed, in order: {rows}")
    members = node_members(exp, page["node"])
    check(sorted(rows) == members, f"they are the spectra som.h5 puts in node {page['node']}: {members}")
    check([str(table["id"][i]) for i in picked] == [ids[r] for r in rows], "their ids are dataset.h5's")
    check(all(int(table["som_node"][i]) == page["node"] for i in picked), "their som_node column is the node")
    with h5py.File(os.path.join(exp, "preprocess", "dataset.h5"), "r") as d:
        ra, dec = d["meta/ra"][()], d["meta/dec"][()]
    sel = np.array(rows, dtype=int)
    check(np.allclose(np.asarray(table["ra"])[picked], ra[sel], equal_nan=True) and
          np.allclose(np.asarray(table["dec"])[picked], dec[sel], equal_nan=True), "their ra, dec are dataset.h5's")
    all_rows = [int(r) for r in table["row"]]
    check(len(set(all_rows)) == len(all_rows) and all(0 <= r < len(ids) for r in all_rows), "the table's rows are distinct dataset.h5 rows")


def main():
    exp, record, page_path = sys.argv[1:4]
    with open(record) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    with open(page_path) as f:
        page = json.load(f)
    regs = [e["registration"] for e in entries if "registration" in e]
    if "--no-registration-record" not in sys.argv:  # JSAMP's hub: no dialog of ours to record it
        check(len(regs) == 1, f"the page registered once through the Web Profile ({len(regs)})")
    for r in regs:
        print(f"     registration: samp.name {r['name']!r}, Origin header {r['origin']!r}, from {r['address'][0]}")
    messages = [e for e in entries if "mtype" in e]
    check_spectrum(exp, messages, page)
    check_table(exp, messages, page)
    if failures:
        print(f"{failures} check(s) failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
