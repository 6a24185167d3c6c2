#!/usr/bin/python3
"""Builds FITS files for tests/io/test_fits_memory.cpp with astropy and writes what astropy
reads from them, so the in-memory FITS parser (engine/io/fits_memory*) is checked against an
independent reader.

Usage: /usr/bin/python3 fits_memory_cases.py OUTDIR REAL_DATA_ROOT

OUTDIR/reference.txt has one fact a line, tab-separated (floats as repr, exact):
    hdus    <file> <count>
    hdu     <file> <hdu> <kind> <header offset> <data offset> <data bytes>
    key     <file> <hdu> <key> <str|int|float|bool|none> <value> <comment>
    image   <file> <hdu> <n> <v1 v2 ...>             float64 of every pixel, NaN as nan
    column  <file> <hdu> <name> <n> <v1 v2 ...>      float64 of every element, rows in order
    mask    <file> <hdu> <name> <n> <v1 v2 ...>      integer value & 0xFFFFFFFF
    text    <file> <hdu> <name> <row> <string>
HDU numbers are 1-based (1 = primary), as engine/io counts them.
"""
import gzip
import subprocess
import math
import os
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.simplefilter("ignore")


def number_text(value):
    value = float(value)
    return "nan" if np.isnan(value) else repr(value)


def write_values(out, tag, name, hdu, label, values):
    flat = [number_text(v) for v in values]
    out.write("%s\t%s\t%d\t%s\t%d\t%s\n" % (tag, name, hdu, label, len(flat), " ".join(flat)))


def unix_compress(data):
    """The bytes of unix `compress` (LZW, .Z) from ncompress, which scripts/setup installs."""
    return subprocess.run(["compress", "-c"], input=data, stdout=subprocess.PIPE,
                          check=True).stdout

def header_file(path):
    """Primary header with every kind of card value the parser must read."""
    h = fits.PrimaryHDU().header
    h["STR"] = ("plain text", "a comment")
    h["QUOTE"] = ("O'Hara's", "'' escapes")
    h["SLASH"] = ("a/b", "slash in the string")
    h["LEADING"] = "  indented"
    h["EMPTYSTR"] = ""
    h["LONGSTR"] = "long string " * 12 + "end"  # > 68 characters: CONTINUE cards
    h["INT"] = (1234567890123, "a big integer")
    h["NEGINT"] = -42
    h["FLOAT"] = (-1.5e-7, "exponent")
    h["PI"] = 3.141592653589793
    h["TRUE"] = (True, "logical")
    h["FALSE"] = False
    h["QNUM"] = "12.5"
    h.append(fits.Card.fromstring("DEXP    =             1.25D+03 / Fortran exponent"))
    h.append(fits.Card.fromstring("DEXPNEG =           -2.5D-002 / negative, 3-digit exponent"))
    h.append(fits.Card.fromstring("UNDEF   =                      / no value"))
    h.append(fits.Card("DUP", 1, "first of two"))
    h.append(fits.Card("DUP", 2, "second of two"))
    h["COMMENT"] = "a commentary card"
    h["HISTORY"] = "another"
    h["DATE-OBS"] = "2011-11-05T12:00:00"
    fits.PrimaryHDU(header=h).writeto(path, overwrite=True)
    return ["STR", "QUOTE", "SLASH", "LEADING", "EMPTYSTR", "LONGSTR", "INT", "NEGINT", "FLOAT",
            "PI", "TRUE", "FALSE", "QNUM", "DEXP", "DEXPNEG", "UNDEF", "DUP", "DATE-OBS"]


def images_file(path):
    """Primary empty, then one image extension per BITPIX, scaled and BLANK cases."""
    rng = np.random.default_rng(11)
    hdus = [fits.PrimaryHDU()]
    hdus.append(fits.ImageHDU(rng.integers(0, 255, (3, 7)).astype(np.uint8), name="U8"))
    hdus.append(fits.ImageHDU(rng.integers(-30000, 30000, 50).astype(np.int16), name="I16"))
    hdus.append(fits.ImageHDU(rng.integers(-2**31, 2**31 - 1, 41).astype(np.int32), name="I32"))
    hdus.append(fits.ImageHDU(rng.integers(-2**40, 2**40, 33).astype(np.int64), name="I64"))
    f32 = rng.standard_normal(77).astype(np.float32)
    f32[5] = np.nan
    hdus.append(fits.ImageHDU(f32, name="F32"))
    hdus.append(fits.ImageHDU(rng.standard_normal((2, 3, 5)) * 1e30, name="F64"))
    hdus.append(fits.ImageHDU(rng.integers(0, 65535, 19).astype(np.uint16), name="U16"))  # BZERO
    scaled = fits.ImageHDU(rng.integers(-1000, 1000, 23).astype(np.int16), name="SCALED")
    scaled.header["BSCALE"] = 0.25
    scaled.header["BZERO"] = 100.0
    scaled.header["BLANK"] = int(scaled.data[4])
    hdus.append(scaled)
    blank = fits.ImageHDU(rng.integers(-5, 5, 17).astype(np.int32), name="BLANK")
    blank.header["BLANK"] = int(blank.data[2])
    hdus.append(blank)
    fits.HDUList(hdus).writeto(path, overwrite=True)


def table_file(path):
    """Binary table with every TFORM type, repeats, TSCAL/TZERO, TNULL and a heap, then an
    ASCII table."""
    rng = np.random.default_rng(5)
    n = 6
    cols = [
        fits.Column(name="L", format="L", array=np.array([True, False, True, True, False, True])),
        fits.Column(name="L3", format="3L", array=rng.integers(0, 2, (n, 3)).astype(bool)),
        fits.Column(name="X", format="11X", array=rng.integers(0, 2, (n, 11)).astype(bool)),
        fits.Column(name="B", format="B", array=rng.integers(0, 255, n).astype(np.uint8)),
        fits.Column(name="I", format="I", array=rng.integers(-3000, 3000, n).astype(np.int16)),
        fits.Column(name="J2", format="2J", array=rng.integers(-2**31, 2**31 - 1, (n, 2)).astype(np.int32)),
        fits.Column(name="K", format="K", array=rng.integers(-2**62, 2**62, n).astype(np.int64)),
        fits.Column(name="A", format="8A", array=np.array(["alpha", "b", "", "with sp", "12345678", "x"])),
        fits.Column(name="E4", format="4E", array=rng.standard_normal((n, 4)).astype(np.float32)),
        fits.Column(name="D", format="D", unit="Angstrom", array=rng.standard_normal(n) * 1e10),
        fits.Column(name="U16", format="I", bzero=32768, array=rng.integers(0, 65535, n).astype(np.uint16)),
        fits.Column(name="U32", format="J", bzero=2**31, array=rng.integers(0, 2**32 - 1, n).astype(np.uint32)),
        fits.Column(name="U64", format="K", bzero=2**63, array=rng.integers(0, 2**63, n).astype(np.uint64) * 2),
        fits.Column(name="NULLED", format="J", null=-999, array=np.array([1, -999, 3, 4, -999, 6], np.int32)),
        fits.Column(name="SCALED", format="I", array=rng.integers(-100, 100, n).astype(np.int16)),
        fits.Column(name="SB", format="B", array=rng.integers(0, 255, n).astype(np.uint8)),
        fits.Column(name="VE", format="PE()", array=[rng.standard_normal(k).astype(np.float32) for k in (3, 0, 1, 5, 2, 4)]),
        fits.Column(name="VJ", format="PJ()", array=[rng.integers(-9, 9, k).astype(np.int32) for k in (1, 2, 0, 3, 1, 2)]),
        fits.Column(name="VD", format="QD()", array=[rng.standard_normal(k) for k in (2, 1, 3, 0, 1, 2)]),
        fits.Column(name="VA", format="PA()", array=np.array(["first", "", "third_row", "d", "ee", "f"], dtype=object)),
        fits.Column(name="C", format="C", array=(rng.standard_normal(n) + 1j).astype(np.complex64)),
    ]
    table = fits.BinTableHDU.from_columns(cols, name="TYPES")
    table.header["TSCAL15"] = 0.5  # SCALED: TSCAL/TZERO set on the raw integers
    table.header["TZERO15"] = -3.0
    table.header["TZERO16"] = -128  # SB: signed bytes
    ascii_table = fits.TableHDU.from_columns([
        fits.Column(name="AI", format="I6", array=np.array([1, -22, 333])),
        fits.Column(name="AF", format="F9.3", array=np.array([1.5, -2.25, 1e3])),
        fits.Column(name="AE", format="E13.5", array=np.array([1e5, -3e-3, 6.02e23])),
        fits.Column(name="AD", format="D22.14", array=np.array([1e100, 2.0, -1e-100])),
        fits.Column(name="AS", format="A7", array=np.array(["ab", "cde", "fghijkl"])),
    ], name="ASCII")
    fits.HDUList([fits.PrimaryHDU(), table, ascii_table]).writeto(path, overwrite=True)


def implied_decimals_file(path):
    """ASCII table F6.2 column whose fields have no decimal point: the FITS standard implies
    one d digits from the right (astropy ignores that rule, so the test states the values)."""
    hdu = fits.TableHDU.from_columns([fits.Column(name="IMP", format="F6.2",
                                                  array=np.array([1.0, 2.0, 3.0]))])
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path, overwrite=True)
    with fits.open(path) as hdus:
        start = hdus.fileinfo(1)["datLoc"]
    with open(path, "r+b") as f:
        f.seek(start)
        f.write(b"  1234 -0225  12.5")


def describe(out, path, name, keys=()):
    with fits.open(path) as hdus:
        out.write("hdus\t%s\t%d\n" % (name, len(hdus)))
        for index, hdu in enumerate(hdus):
            number = index + 1
            info = hdus.fileinfo(index)
            kind = ("image" if isinstance(hdu, (fits.PrimaryHDU, fits.ImageHDU)) else
                    "binary" if isinstance(hdu, fits.BinTableHDU) else
                    "ascii" if isinstance(hdu, fits.TableHDU) else "other")
            # hdu.size: the data bytes the header declares, without the padding
            out.write("hdu\t%s\t%d\t%s\t%d\t%d\t%d\n" % (name, number, kind, info["hdrLoc"],
                                                         info["datLoc"], hdu.size))
            for key in keys if index == 0 else ():
                value = hdu.header[key]
                comment = hdu.header.comments[key]
                if isinstance(value, bool):
                    kind_text, text = "bool", "T" if value else "F"
                elif isinstance(value, (int, np.integer)):
                    kind_text, text = "int", str(int(value))
                elif isinstance(value, float):
                    kind_text, text = "float", repr(value)
                elif isinstance(value, str):
                    kind_text, text = "str", value
                else:
                    kind_text, text = "none", ""
                out.write("key\t%s\t%d\t%s\t%s\t%s\t%s\n" % (name, number, key, kind_text, text, comment))
            if kind == "image" and hdu.data is not None:
                write_values(out, "image", name, number, "-", np.asarray(hdu.data, np.float64).ravel())
            if kind in ("binary", "ascii"):
                for column in hdu.columns:
                    data = hdu.data[column.name]
                    if column.format.startswith("C") or column.name == "C":
                        continue
                    if column.name in ("A", "AS", "VA"):
                        for row in range(len(data)):
                            cell = data[row]
                            text = "".join(np.asarray(cell).astype(str)) if column.name == "VA" else str(cell)
                            out.write("text\t%s\t%d\t%s\t%d\t%s\n" % (name, number, column.name, row, text.strip()))
                        continue
                    if data.dtype == object:  # variable-length arrays
                        values = np.concatenate([np.asarray(a, np.float64).ravel() for a in data])
                        ints = np.concatenate([np.asarray(a).ravel() for a in data])
                    else:
                        values = np.asarray(data, np.float64).ravel()
                        ints = np.asarray(data).ravel()
                    write_values(out, "column", name, number, column.name, values)
                    # mask values of integer columns: the integer's low 32 bits (scaled
                    # values rounded half away from zero first)
                    if ints.dtype.kind in "iub":
                        masks = [int(v) & 0xFFFFFFFF for v in ints.tolist()]
                    elif column.format.lstrip("0123456789PQ")[:1] in ("B", "I", "J", "K"):
                        masks = [int(math.copysign(math.floor(abs(v) + 0.5), v)) & 0xFFFFFFFF for v in values]
                    else:
                        continue
                    out.write("mask\t%s\t%d\t%s\t%d\t%s\n" % (name, number, column.name, len(masks),
                                                             " ".join(str(m) for m in masks)))


def main():
    out_dir, real_root = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    p = lambda name: os.path.join(out_dir, name)
    keys = header_file(p("header.fits"))
    images_file(p("images.fits"))
    table_file(p("tables.fits"))
    implied_decimals_file(p("implied.fits"))
    # the same bytes gzip-compressed and unix-compressed (.Z: uncompressed by libarchive)
    with open(p("tables.fits"), "rb") as f:
        raw = f.read()
    with open(p("tables.fits.gz"), "wb") as f:
        f.write(gzip.compress(raw))
    with open(p("images.fits"), "rb") as f:
        raw = f.read()
    with open(p("images.fits.Z"), "wb") as f:
        f.write(unix_compress(raw))
    sdss = os.path.join(real_root, "sdss", "spec-0266-51602-0107.fits")
    with open(sdss, "rb") as f:
        raw = f.read()
    with open(p("sdss.fits.Z"), "wb") as f:
        f.write(unix_compress(raw))
    with open(p("reference.txt"), "w") as out:
        describe(out, p("header.fits"), "header.fits", keys)
        describe(out, p("images.fits"), "images.fits")
        describe(out, p("tables.fits"), "tables.fits")


if __name__ == "__main__":
    main()
