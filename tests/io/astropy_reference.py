#!/usr/bin/python3
"""Independent reference reading of spectrum files with astropy, for tests/io.

Usage: /usr/bin/python3 astropy_reference.py LIST OUT

LIST has one file a line: "<layout>\t<path>[\t<hints>]", where layout is what the folder
or the generator says the file is (README of the real data, make_cases.py), and hints,
for generic tables and text, name the columns: "wave=NAME,flux=NAME,ivar=NAME,err=NAME".
Each file is read the way its archive documents it, with astropy only (never with
vocloud), and written to OUT as

    file\t<path>
    meta\t<key>\t<value>        id, object, class, subclass, ra, dec, z, frame
    wave\t<n>\t<v1> <v2> ...    float64 repr (exact), Angstrom
    flux|ivar|mask\t<n>\t...    as stored (ivar from an error column: 1/err^2)
    end

A file astropy cannot read gives "error\t<message>" before "end".
"""
import os
import sys
import warnings

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle
from astropy.io import ascii as astropy_ascii
from astropy.io import fits
from astropy.wcs import WCS

warnings.simplefilter("ignore")

CCD700_DID = "ivo://asu.cas.cz/stel/ccd700/"


def stem(name):
    name = os.path.basename(name)
    for ext in (".gz",):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    for ext in (".fits", ".fit", ".fts", ".csv", ".txt", ".asc", ".dat"):
        if name.lower().endswith(ext):
            return name[: -len(ext)]
    return name


def ivar_from_error(err):
    err = np.asarray(err, dtype=np.float64)
    good = np.isfinite(err) & (err > 0)
    out = np.zeros(err.shape, dtype=np.float64)
    out[good] = 1.0 / (err[good] * err[good])
    return out.astype(np.float32)


def float_mask(values):
    values = np.asarray(values, dtype=np.float64)
    good = np.isfinite(values) & (values >= 0) & (values < 4294967295.0)
    out = np.full(values.shape, 0xFFFFFFFF, dtype=np.uint32)
    out[good] = np.rint(values[good]).astype(np.uint32)
    return out


def text(value):
    return "" if value is None else str(value).strip()


def number(value):
    return float("nan") if value is None or value == "" else float(value)


def meta(**kw):
    base = dict(id="", object="", cls="", subclass="", ra=float("nan"), dec=float("nan"),
                z=float("nan"), frame="unknown")
    base.update(kw)
    return base


def read_sdss(path, hints):
    with fits.open(path) as h:
        coadd = h[1].data
        hdr = h[0].header
        wave = 10.0 ** coadd["loglam"].astype(np.float64)
        specobj = h[2].data
        m = meta(id="spec-%04d-%05d-%04d" % (hdr["PLATEID"], hdr["MJD"], hdr["FIBERID"]),
                 cls=text(specobj["CLASS"][0]), subclass=text(specobj["SUBCLASS"][0]),
                 z=float(specobj["Z"][0]), ra=float(specobj["PLUG_RA"][0]),
                 dec=float(specobj["PLUG_DEC"][0]),
                 frame=header_frame(hdr, "vacuum"))
        return wave, coadd["flux"], coadd["ivar"], coadd["and_mask"].astype(np.uint32), m


def flag(value):
    """A yes/no keyword: logical T/F, or written as a string ('T', 'F', 'TRUE', 'FALSE') or
    as 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().upper()
        if text in ("T", "TRUE", "F", "FALSE"):
            return text in ("T", "TRUE")
        try:
            value = float(text)
        except ValueError:
            return None
    if isinstance(value, (int, float)) and value in (0, 1):
        return value == 1
    return None


def header_frame(hdr, default="unknown"):
    """AIRORVAC (SDSS), else VACUUM (LAMOST, SDSS), else the FITS WCS spectral type of
    CTYPE1 (paper III: AWAV air wavelength, WAVE vacuum wavelength)."""
    airorvac = text(hdr.get("AIRORVAC")).lower()
    if airorvac.startswith("air"):
        return "air"
    if airorvac.startswith("vac"):
        return "vacuum"
    vacuum = flag(hdr.get("VACUUM"))
    if vacuum is not None:
        return "vacuum" if vacuum else "air"
    ctype = text(hdr.get("CTYPE1")).upper().split("-")[0]
    return {"AWAV": "air", "WAVE": "vacuum"}.get(ctype, default)


def exten0_rows(value):
    """LAMOST row names: comma-separated (DR3-DR7) or blank-separated (DR1, DR2), matched by
    their first word in lower case ('Inverse Variance' is the Inverse row)."""
    items = value.split(",") if "," in value else value.split()
    return [item.strip().lower().split()[0] if item.strip() else "" for item in items]


def lamost_meta(hdr):
    ident = text(hdr.get("OBSID")) or stem(text(hdr.get("FILENAME"))) or text(hdr.get("OBJNAME"))
    return meta(id=ident, object=text(hdr.get("DESIG")) or text(hdr.get("OBJNAME")),
                cls=text(hdr.get("CLASS")), subclass=text(hdr.get("SUBCLASS")),
                z=number(hdr.get("Z")), ra=number(hdr.get("RA")), dec=number(hdr.get("DEC")),
                frame=header_frame(hdr, "vacuum"))


def read_lamost_image(path, hints):
    with fits.open(path) as h:
        hdr = h[0].header
        data = h[0].data
        rows = exten0_rows(hdr["EXTEN0"])  # DR1: row 3 is Subcontinuum, not wavelength
        n = data.shape[1]
        if "wavelength" in rows:
            wave = data[rows.index("wavelength")].astype(np.float64)
        else:
            pix = np.arange(n, dtype=np.float64)
            step = float(hdr["CD1_1"] if "CD1_1" in hdr else hdr["CDELT1"])
            wave = float(hdr["CRVAL1"]) + step * (pix + 1.0 - float(hdr.get("CRPIX1", 1.0)))
            if float(hdr.get("DC-FLAG", 1)) == 1:
                wave = 10.0 ** wave
        return (wave, data[rows.index("flux")], data[rows.index("inverse")],
                float_mask(data[rows.index("andmask")]), lamost_meta(hdr))


def read_lamost_dr8(path, hints):
    with fits.open(path) as h:
        row = h["COADD"].data[0]
        return (row["WAVELENGTH"].astype(np.float64), row["FLUX"], row["IVAR"],
                float_mask(row["ANDMASK"]), lamost_meta(h[0].header))


def wcs_wavelengths(hdr, n):
    w = WCS(hdr, naxis=1)
    world = w.wcs_pix2world(np.arange(n, dtype=np.float64), 0)[0]
    unit = w.wcs.cunit[0]
    if str(unit) == "":
        return world
    return (world * u.Unit(str(unit))).to(u.AA).value


def read_ondrejov_raw(path, hints):
    with fits.open(path) as h:
        hdr = h[0].header
        data = h[0].data
        m = meta(id=CCD700_DID + stem(hdr["FILENAME"]), object=text(hdr.get("OBJECT")),
                 ra=Angle(hdr["RA"], unit=u.hourangle).degree,
                 dec=Angle(hdr["DEC"], unit=u.deg).degree, frame="air")
        return wcs_wavelengths(hdr, data.size), data, None, None, m


def read_ondrejov_ssap(path, hints):
    with fits.open(path) as h:
        t = h[1].data
        hdr = h[1].header
        unit = h[1].columns["spectral"].unit or "Angstrom"
        wave = (t["spectral"].astype(np.float64) * u.Unit(unit)).to(u.AA).value
        m = meta(id=text(hdr.get("DS_IDPUB")), object=text(hdr.get("OBJECT")),
                 ra=number(hdr.get("RA")), dec=number(hdr.get("DEC")), frame="air")
        return wave, t["flux"], None, None, m


def read_image(path, hints, log):
    with fits.open(path) as h:
        hdr = h[0].header
        data = h[0].data.ravel()
        n = data.size
        wave = wcs_wavelengths(hdr, n)
        if log and "-LOG" not in text(hdr.get("CTYPE1")).upper():
            wave = 10.0 ** wave  # IRAF DC-FLAG = 1: the WCS value is log10(Angstrom)
        m = meta(id=stem(path), object=text(hdr.get("OBJECT")), ra=number(hdr.get("RA")),
                 dec=number(hdr.get("DEC")), frame=header_frame(hdr))
        return wave, data, None, None, m


def read_table(path, hints):
    with fits.open(path) as h:
        hdu = h[int(hints.get("hdu", "1"))]
        t = hdu.data
        wave_col = hdu.columns[hints["wave"]]
        wave = np.asarray(t[hints["wave"]], dtype=np.float64).ravel()
        wave = (wave * u.Unit(wave_col.unit or "Angstrom")).to(u.AA).value
        flux = np.asarray(t[hints["flux"]]).ravel()
        ivar = None
        if "ivar" in hints:
            ivar = np.asarray(t[hints["ivar"]]).ravel()
        elif "err" in hints:
            ivar = ivar_from_error(np.asarray(t[hints["err"]]).ravel())
        hdr0 = h[0].header
        m = meta(id=stem(path), object=text(hdr0.get("OBJECT")), ra=number(hdr0.get("RA")),
                 dec=number(hdr0.get("DEC")), frame="unknown")
        return wave, flux, ivar, None, m


def read_text(path, hints):
    if "wave" in hints:
        # "format=basic": a header line after '#' comments (astropy's guessing would take
        # the last comment for a commented header)
        t = astropy_ascii.read(path, format=hints["format"]) if "format" in hints else astropy_ascii.read(path)
        wave, flux = t[hints["wave"]], t[hints["flux"]]
        ivar = None
        if "ivar" in hints:
            ivar = np.asarray(t[hints["ivar"]], dtype=np.float32)
        elif "err" in hints:
            ivar = ivar_from_error(t[hints["err"]])
    else:
        t = astropy_ascii.read(path, format="no_header")
        wave, flux = t["col1"], t["col2"]
        ivar = ivar_from_error(t["col3"]) if len(t.colnames) >= 3 else None
    return (np.asarray(wave, dtype=np.float64), np.asarray(flux, dtype=np.float64), ivar, None,
            meta(id=stem(path)))


READERS = {
    "sdss": read_sdss,
    "lamost_dr1": read_lamost_image,
    "lamost_dr2": read_lamost_image,
    "lamost_dr8": read_lamost_dr8,
    "ondrejov_raw": read_ondrejov_raw,
    "ondrejov_ssap": read_ondrejov_ssap,
    "fits_image_linear": lambda p, h: read_image(p, h, False),
    "fits_image_loglinear": lambda p, h: read_image(p, h, True),
    "fits_table": read_table,
    "text": read_text,
}


def values(array, kind):
    if array is None:
        return "0\t"
    a = np.asarray(array).ravel()
    if kind == "mask":
        return "%d\t%s" % (a.size, " ".join(str(int(v)) for v in a.astype(np.uint32).tolist()))
    if kind == "flux":  # as stored; the reader's float32 is compared against this
        a = a.astype(np.float64)
    return "%d\t%s" % (a.size, " ".join(repr(float(v)) for v in a.tolist()))


def main():
    list_path, out_path = sys.argv[1], sys.argv[2]
    with open(list_path) as f, open(out_path, "w") as out:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t")
            layout, path = parts[0], parts[1]
            hints = dict(kv.split("=", 1) for kv in parts[2].split(",")) if len(parts) > 2 and parts[2] else {}
            out.write("file\t%s\n" % path)
            try:
                wave, flux, ivar, mask, m = READERS[layout](path, hints)
            except Exception as e:  # reported to the C++ test, which fails on it
                out.write("error\t%s: %s\nend\n" % (type(e).__name__, str(e).replace("\n", " ")))
                continue
            for key in ("id", "object", "cls", "subclass", "ra", "dec", "z", "frame"):
                value = m[key]
                out.write("meta\t%s\t%s\n" % (key, repr(float(value)) if isinstance(value, float) else value))
            out.write("wave\t%s\n" % values(wave, "wave"))
            out.write("flux\t%s\n" % values(flux, "flux"))
            out.write("ivar\t%s\n" % values(ivar, "ivar"))
            out.write("mask\t%s\n" % values(mask, "mask"))
            out.write("end\n")


if __name__ == "__main__":
    main()
