#!/usr/bin/python3
"""Independent reference readings and test files for tests/votable, made with astropy only.

Usage (Debian's astropy loads only under /usr/bin/python3):

    astropy_votable.py describe IN OUT.json      the document as astropy.io.votable reads it
    astropy_votable.py spectrum IN OUT.json      the spectral and flux columns of a spectrum
    astropy_votable.py make-spectrum OUT.vot     a float32 spectrum in nm with errors, BINARY2
    astropy_votable.py make-mixed OUTDIR         one table of every datatype, with nulls, as
                                                 mixed_tabledata.vot, mixed_binary.vot,
                                                 mixed_binary2.vot, and mixed_binary2_flags.vot
                                                 (BINARY2 without VALUES null=)

describe writes {"version", "query_status", "query_status_message", "table_count",
"results": {"name", "fields": [{name, ID, datatype, arraysize, unit, ucd, utype}], "rows":
[[cell, ...], ...]}, "descriptors": [{"ID", "accessURL", "standardID", "inputParams":
[{"name", "ref", "value"}]}]}. A cell is null (masked), a string (char and unicodeChar), or
a list of tokens (numbers as repr of the value widened to float64 or int, booleans "T"/"F",
complex numbers as two tokens, masked elements null), flattened in row-major order.

astropy refuses the arraysize="m" the Ondřejov DaCHS service writes on one PARAM of its
getDataMeta resource (E13); that one attribute is read as "*" (it plays no part in what the
tests compare).
"""
import io
import json
import os
import re
import sys
import warnings

import numpy as np
from astropy import units as u
from astropy.io.votable import parse
from astropy.io.votable.tree import Field, Resource, Table, VOTableFile

warnings.simplefilter("ignore")


def load(path):
    with open(path, "rb") as handle:
        data = handle.read()
    return parse(io.BytesIO(data.replace(b'arraysize="m"', b'arraysize="*"')))


def token(value):
    if isinstance(value, (bool, np.bool_)):
        return "T" if value else "F"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(float(value))


def flat_tokens(value, mask):
    out = []
    values = np.asarray(value)
    masks = np.broadcast_to(np.asarray(mask, dtype=bool), values.shape)
    for v, m in zip(values.ravel(), masks.ravel()):
        if np.iscomplexobj(v):
            out += [None, None] if m else [token(v.real), token(v.imag)]
        else:
            out.append(None if m else token(v))
    return out


def cell(field, value, mask):
    if field.datatype in ("char", "unicodeChar"):
        if np.all(mask):
            return None
        if isinstance(value, bytes):
            return value.decode("utf-8")
        return str(value)
    if field.arraysize is None or field.arraysize == "":
        if np.all(mask):
            return None
        if np.iscomplexobj(value):
            return [token(np.real(value)), token(np.imag(value))]
        return [token(value)]
    if isinstance(mask, (bool, np.bool_)) and mask:
        return None  # a whole variable-length array is null
    if isinstance(value, np.ma.MaskedArray):
        return flat_tokens(value.data, np.ma.getmaskarray(value))
    return flat_tokens(value, mask)


def results_table(votable):
    for resource in votable.resources:
        if resource.type == "results" and resource.tables:
            return resource.tables[0]
    return votable.get_first_table()


def all_resources(resources):
    for resource in resources:
        yield resource
        yield from all_resources(resource.resources)


def describe(path):
    votable = load(path)
    out = {"version": votable.version, "query_status": "", "query_status_message": ""}
    for resource in all_resources(votable.resources):
        if resource.type == "results":
            for info in resource.infos:
                if info.name == "QUERY_STATUS":
                    out["query_status"] = info.value or ""
                    out["query_status_message"] = (info.content or "").strip()
            break
    out["table_count"] = sum(1 for _ in votable.iter_tables())
    if out["table_count"]:
        table = results_table(votable)
        array = table.array
        fields = []
        for f in table.fields:
            fields.append({"name": f.name, "ID": f.ID or "", "datatype": f.datatype,
                           "arraysize": f.arraysize or "", "unit": str(f.unit) if f.unit else "",
                           "ucd": f.ucd or "", "utype": f.utype or ""})
        rows = []
        for r in range(len(array)):
            rows.append([cell(f, array.data[r][i], array.mask[r][i])
                         for i, f in enumerate(table.fields)])
        out["results"] = {"name": table.name or "", "fields": fields, "rows": rows}
    descriptors = []
    for resource in all_resources(votable.resources):
        if resource.type != "meta" or resource.utype != "adhoc:service":
            continue
        d = {"ID": resource.ID or "", "accessURL": "", "standardID": "", "inputParams": []}
        for p in resource.params:
            if p.name in ("accessURL", "standardID"):
                d[p.name] = p.value if isinstance(p.value, str) else ""
        for group in resource.groups:
            if group.name != "inputParams":
                continue
            for p in group.entries:
                if hasattr(p, "datatype") and hasattr(p, "name"):
                    d["inputParams"].append({"name": p.name, "ref": p.ref or "",
                                             "value": p.value if isinstance(p.value, str) else ""})
        descriptors.append(d)
    out["descriptors"] = descriptors
    return out


def spectrum(path):
    table = results_table(load(path))

    def by_utype(suffix):
        for f in table.fields:
            if (f.utype or "").lower().endswith(suffix.lower()):
                return f
        raise SystemExit(f"{path}: no column with utype *{suffix}")

    wave_field = by_utype("SpectralAxis.Value")
    flux_field = by_utype("FluxAxis.Value")
    scale = u.Unit(str(wave_field.unit)).to(u.AA) if wave_field.unit else 1.0
    wave = np.asarray(table.array[wave_field.ID or wave_field.name].filled(np.nan), dtype=np.float64)
    flux = table.array[flux_field.ID or flux_field.name].filled(np.nan).astype(np.float32)
    params = {p.utype.split(":")[-1]: p.value for p in table.params if p.utype}
    ivar = []
    errors = [f for f in table.fields if (f.utype or "").endswith("FluxAxis.Accuracy.StatError")]
    if errors:
        err = np.asarray(table.array[errors[0].ID or errors[0].name].filled(np.nan), dtype=np.float64)
        good = np.isfinite(err) & (err > 0)
        inverse = np.zeros(err.shape)
        inverse[good] = 1.0 / (err[good] * err[good])
        ivar = [repr(float(v)) for v in inverse.astype(np.float32)]
    return {"wave": [repr(float(w * scale)) for w in wave],
            "flux": [repr(float(f)) for f in flux], "ivar": ivar,
            "id": params.get("Spectrum.Curation.PublisherDID") or "",
            "object": params.get("Spectrum.Target.Name") or ""}


def make_mixed(folder):
    votable = VOTableFile(version="1.4")
    resource = Resource()
    votable.resources.append(resource)
    table = Table(votable, name="mixed")
    resource.tables.append(table)
    specs = [("b", "boolean", None), ("u", "unsignedByte", None), ("s", "short", None),
             ("i", "int", None), ("l", "long", None), ("f", "float", None),
             ("d", "double", None), ("c", "char", "*"), ("c8", "char", "8"),
             ("uc", "unicodeChar", "*"), ("fa", "float", "3"), ("dv", "double", "*"),
             ("iv", "int", "2x*"), ("cf", "floatComplex", None), ("dc", "doubleComplex", "2"),
             ("bits", "bit", "5"), ("m", "short", "2x2")]
    for name, datatype, arraysize in specs:
        table.fields.append(Field(votable, name=name, datatype=datatype, arraysize=arraysize))
    for f in table.fields:  # BINARY (not BINARY2) needs declared nulls for masked integers
        if f.datatype in ("unsignedByte", "short", "int", "long"):
            f.values.null = 99 if f.datatype == "unsignedByte" else -99
    n = 4
    table.create_arrays(n)
    a = table.array
    a["b"] = [True, False, True, False]
    a.mask["b"] = [False, False, True, False]
    a["u"] = [0, 255, 7, 8]
    a.mask["u"] = [False, False, False, True]
    a["s"] = [-32768, 32767, -1, 5]
    a.mask["s"] = [False, True, False, False]
    a["i"] = [-2147483648, 1, 2, 3]
    a.mask["i"] = [False, False, True, False]
    a["l"] = [-9223372036854775807, 2**62, 3, 4]
    a.mask["l"] = [False, False, False, True]
    a["f"] = [1.5, np.nan, np.float32(3.1415927), -0.0]
    a.mask["f"] = [False, False, True, False]
    a["d"] = [1e-300, 2.5, np.inf, -np.inf]
    a.mask["d"] = [False, True, False, False]
    a["c"] = ["hello", "a&b<c>", "", "x'y\"z"]
    a.mask["c"] = [False, False, True, False]
    a["c8"] = ["abcdefgh", "ab", "", "z"]
    a["uc"] = ["Ondřejov", "ÅÄ€", "plain", "x"]
    a.mask["uc"] = [False, False, False, True]
    a["fa"] = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [np.nan, 0, 1]]
    for k in range(n):
        a.data["dv"][k] = np.ma.masked_array(np.arange(k, dtype="f8") * 1.25, mask=np.zeros(k, bool))
        a.data["iv"][k] = np.ma.masked_array(np.arange(2 * k, dtype="i4").reshape(k, 2),
                                             mask=np.zeros((k, 2), bool))
    a.mask["dv"][2] = True
    a["cf"] = [1 + 2j, 3 - 4j, 0, 1j]
    a["dc"] = [[1 + 1j, 2], [3, 4j], [5, 6], [7, 8]]
    a["bits"] = [[1, 0, 1, 1, 0]] * n
    a["m"] = np.arange(16).reshape(n, 2, 2)
    for fmt in ("tabledata", "binary", "binary2"):
        votable.to_xml(os.path.join(folder, f"mixed_{fmt}.vot"), tabledata_format=fmt)
    # The same BINARY2 stream without the VALUES null= declarations: the masked integers
    # are then ordinary numbers, and only the per-row null flags say they are null.
    with open(os.path.join(folder, "mixed_binary2.vot"), encoding="utf-8") as handle:
        text = re.sub(r"\s*<VALUES null=\"[^\"]*\"/>", "", handle.read())
    with open(os.path.join(folder, "mixed_binary2_flags.vot"), "w", encoding="utf-8") as handle:
        handle.write(text)


def make_spectrum(path):
    """A spectrum as DaCHS would serve it, but float32 wavelengths in nm, an error column and
    masked points, in BINARY2."""
    votable = VOTableFile(version="1.4")
    resource = Resource()
    votable.resources.append(resource)
    table = Table(votable, name="spectrum")
    resource.tables.append(table)
    table.fields.extend([
        Field(votable, name="wl", datatype="float", unit="nm", ucd="em.wl",
              utype="spec:Data.SpectralAxis.Value"),
        Field(votable, name="f", datatype="float", ucd="phot.flux.density",
              utype="spec:Data.FluxAxis.Value"),
        Field(votable, name="e", datatype="float", ucd="stat.error;phot.flux.density",
              utype="spec:Data.FluxAxis.Accuracy.StatError")])
    n = 200
    table.create_arrays(n)
    rng = np.random.default_rng(7)
    table.array["wl"] = np.linspace(380.0, 900.0, n, dtype=np.float32)
    table.array["f"] = rng.normal(1.0, 0.1, n).astype(np.float32)
    table.array["e"] = rng.uniform(0.01, 0.05, n).astype(np.float32)
    table.array.mask["f"][5] = True
    table.array.mask["e"][7] = True
    votable.to_xml(path, tabledata_format="binary2")


def main():
    command = sys.argv[1]
    if command == "make-mixed":
        make_mixed(sys.argv[2])
        return
    if command == "make-spectrum":
        make_spectrum(sys.argv[2])
        return
    result = describe(sys.argv[2]) if command == "describe" else spectrum(sys.argv[2])
    with open(sys.argv[3], "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False)


if __name__ == "__main__":
    main()
