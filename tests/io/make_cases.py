#!/usr/bin/python3
"""Builds the test files of tests/io with astropy: layouts that have no real sample here
(LAMOST DR8, generic images and tables, SSAP with other units), gzip copies of real files,
and bad files (all NaN, sizes that disagree, missing columns, empty, unknown layout).

Usage: /usr/bin/python3 make_cases.py OUTDIR REAL_DATA_ROOT
The real files are only copied or re-packed (values unchanged), so astropy_reference.py
reads the copies independently.
"""
import gzip
import os
import shutil
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.simplefilter("ignore")


def columns_hdu(cols, name=None, header=None):
    hdu = fits.BinTableHDU.from_columns(cols, name=name)
    for key, value in (header or {}).items():
        hdu.header[key] = value
    return hdu


def primary(header=None):
    hdu = fits.PrimaryHDU()
    for key, value in (header or {}).items():
        hdu.header[key] = value
    return hdu


def write(path, hdus):
    fits.HDUList(hdus).writeto(path, overwrite=True)


def lamost_dr8(path, flux, ivar, wave, andmask, header, wave_len=None):
    n, nw = flux.size, wave.size if wave_len is None else wave_len
    cols = [
        fits.Column(name="FLUX", format="%dE" % n, array=flux[None, :]),
        fits.Column(name="IVAR", format="%dE" % n, array=ivar[None, :]),
        fits.Column(name="WAVELENGTH", format="%dE" % nw, array=wave[None, :nw]),
        fits.Column(name="ANDMASK", format="%dE" % n, array=andmask[None, :]),
        fits.Column(name="ORMASK", format="%dE" % n, array=andmask[None, :]),
        fits.Column(name="NORMALIZATION", format="%dE" % n, array=np.ones((1, n), np.float32)),
    ]
    write(path, [primary(header), columns_hdu(cols, "COADD")])


def with_header(src, dst, change, rows=None):
    """Copies the LAMOST file `src` to `dst` with header cards changed by `change(header)`
    and, when `rows` is given, the image rows in that order (values unchanged)."""
    with fits.open(src) as h:
        hdu = h[0]
        data = hdu.data if rows is None else hdu.data[list(rows)]
        out = fits.PrimaryHDU(data=data.copy(), header=hdu.header.copy())
        change(out.header)
        out.writeto(dst, overwrite=True, output_verify="silentfix")


def lamost_conventions(out, real, dr1, dr2):
    """LAMOST 5xN images as DR3-DR7 write EXTEN0 (commas) and other header spellings."""
    def commas(header):
        header["EXTEN0"] = ", ".join(header["EXTEN0"].split())

    # Every real DR1 and DR2 file, rewritten with the DR3-DR7 comma convention.
    for folder in ("lamost-dr1", "lamost-dr2"):
        for root, _, names in os.walk(os.path.join(real, folder)):
            for name in sorted(n for n in names if n.endswith(".fits")):
                target = os.path.join(out, "comma", folder, os.path.relpath(root, os.path.join(real, folder)))
                os.makedirs(target, exist_ok=True)
                with_header(os.path.join(root, name), os.path.join(target, name), commas)

    p = lambda name: os.path.join(out, name)

    def lower_no_blanks(header):
        header["EXTEN0"] = "flux,inverse,wavelength,andmask,ormask"
    with_header(dr2, p("lamost_lower_commas.fits"), lower_no_blanks)

    # Rows in another order: EXTEN0 names them where they are.
    def reordered(header):
        header["EXTEN0"] = "Wavelength, Ormask, Flux, Andmask, Inverse"
    with_header(dr2, p("lamost_reordered.fits"), reordered, rows=(2, 4, 0, 3, 1))

    def inverse_variance(header):
        header["EXTEN0"] = "Flux, Inverse Variance, Wavelength, Andmask, Ormask"
    with_header(dr2, p("lamost_inverse_variance.fits"), inverse_variance)

    # DR1 in upper case with CDELT1 instead of CD1_1, numbers and flags written as strings
    # and VACUUM = 'F' (so the frame is air).
    def dr1_spellings(header):
        header["EXTEN0"] = "FLUX  INVERSE SUBCONTINUUM ANDMASK ORMASK"
        header["CDELT1"] = header["CD1_1"]
        del header["CD1_1"]
        header["CRVAL1"] = repr(header["CRVAL1"])
        header["DC-FLAG"] = "1"
        header["VACUUM"] = "F"
    with_header(dr1, p("lamost_dr1_spellings.fits"), dr1_spellings)

    # No row names a flux: no layout fits, and the error says what it saw.
    def no_flux(header):
        header["EXTEN0"] = "Alpha, Beta, Gamma, Delta, Epsilon"
    with_header(dr2, p("bad_exten0_no_flux.fits"), no_flux)


def generic_conventions(out, rng):
    """1-D images with the FITS WCS spellings: no CRPIX1 (0 by the standard), PC1_1 times
    CDELT1, CTYPE1 'AWAV' (air) / 'WAVE' (vacuum), the '-LOG' algorithm, flags as strings."""
    p = lambda name: os.path.join(out, name)

    def image(name, header, n=600):
        hdu = primary(header)
        hdu.data = (2.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)
        hdu.writeto(p(name), overwrite=True)

    image("image_no_crpix_air.fits", {"CTYPE1": "AWAV", "CUNIT1": "Angstrom", "CRVAL1": 6500.0,
                                      "CDELT1": 0.25})
    image("image_pc_vacuum.fits", {"CTYPE1": "WAVE", "CUNIT1": "nm", "CRVAL1": 650.0,
                                   "CDELT1": 0.01, "PC1_1": 2.5, "CRPIX1": 10.0})
    image("image_wave_log.fits", {"CTYPE1": "WAVE-LOG", "CUNIT1": "Angstrom", "CRVAL1": 5000.0,
                                  "CDELT1": 0.8, "CRPIX1": 1.0})
    image("image_flags_as_text.fits", {"CTYPE1": "LINEAR", "CRVAL1": 3.6, "CDELT1": 1e-4,
                                       "CRPIX1": 1.0, "DC-FLAG": "1", "VACUUM": "T"})
    image("image_airorvac.fits", {"CTYPE1": "LINEAR", "CUNIT1": "Angstrom", "CRVAL1": 4000.0,
                                  "CDELT1": 1.0, "CRPIX1": 1.0, "AIRORVAC": "air"})


def gzip_other_content(out, real, rng):
    """gzip content that is not FITS: a VOTable and a text table, under any name."""
    p = lambda name: os.path.join(out, name)
    formats = os.path.join(real, "formats", "hd217476")
    for src, names in (("tabledata.vot", ("gz_votable.vot.gz", "gz_votable.fits")),
                       ("spectrum.csv", ("gz_text.csv.gz", "gz_text.fits"))):
        with open(os.path.join(formats, src), "rb") as f:
            packed = gzip.compress(f.read())
        for name in names:
            with open(p(name), "wb") as f:
                f.write(packed)
    with open(p("bad_gzip_binary.fits"), "wb") as f:
        f.write(gzip.compress(bytes(rng.integers(0, 256, 5000, dtype=np.uint8))))


def main():
    out, real = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    sdss = os.path.join(real, "sdss", "spec-0266-51602-0107.fits")
    dr1 = os.path.join(real, "lamost-dr1", "spec-55862-B6212_sp06-003.fits")
    dr2 = os.path.join(real, "lamost-dr2", "spec-55916-B5591606_sp01-001.fits")

    # LAMOST DR8+ from the arrays of a real DR2 spectrum, with a DR8-style header.
    with fits.open(dr2) as h:
        data = h[0].data
        flux, ivar = data[0].astype(np.float32), data[1].astype(np.float32)
        wave, andmask = data[2].astype(np.float32), data[3].astype(np.float32)
    header = {"OBSID": 123456789, "DESIG": "LAMOST J095249.16+291008.7", "OBJNAME": "2628",
              "RA": 148.203411, "DEC": 29.1691, "CLASS": "STAR", "SUBCLASS": "K5",
              "Z": -0.00017148, "VACUUM": True}
    lamost_dr8(p("lamost_dr8.fits"), flux, ivar, wave, andmask, header)
    lamost_dr8(p("bad_wrong_sizes.fits"), flux, ivar, wave, andmask, header, wave_len=flux.size - 7)

    # Generic 1-D images: linear in nm with CRPIX1 != 1, and log-linear (DC-FLAG = 1).
    rng = np.random.default_rng(7)
    img = primary({"CTYPE1": "WAVE", "CUNIT1": "nm", "CRVAL1": 650.0, "CDELT1": 0.025,
                   "CRPIX1": 3.0, "OBJECT": "test star", "RA": 10.5, "DEC": -20.25})
    img.data = (1.0 + 0.1 * rng.standard_normal(800)).astype(np.float32)
    img.writeto(p("image_linear.fits"), overwrite=True)
    img = primary({"CTYPE1": "LINEAR", "CRVAL1": 3.6, "CD1_1": 1e-4, "CRPIX1": 1.0,
                   "DC-FLAG": 1, "OBJECT": "log star"})
    img.data = (5.0 + rng.standard_normal((1, 1200))).astype(np.float64)
    img.writeto(p("image_loglinear.fits"), overwrite=True)

    # Generic table: usual names (wavelength in nm, an error column) and vector columns.
    n = 500
    lam = np.linspace(400.0, 700.0, n)
    err = np.abs(rng.standard_normal(n)) * 0.1
    err[3] = 0.0
    err[4] = np.nan
    cols = [fits.Column(name="LAMBDA", format="D", unit="nm", array=lam),
            fits.Column(name="FLUX", format="E", array=rng.standard_normal(n).astype(np.float32)),
            fits.Column(name="ERR", format="D", array=err)]
    write(p("table_generic.fits"), [primary({"OBJECT": "table star", "RA": 1.5, "DEC": 2.5}),
                                     columns_hdu(cols)])
    cols = [fits.Column(name="WAVE", format="%dD" % n, unit="Angstrom", array=lam[None, :] * 10),
            fits.Column(name="FLUX", format="%dE" % n, array=rng.standard_normal((1, n)))]
    write(p("table_vector.fits"), [primary(), columns_hdu(cols, "SPECTRUM")])
    cols = [fits.Column(name="x", format="D", array=lam * 10),
            fits.Column(name="y", format="E", array=rng.standard_normal(n)),
            fits.Column(name="w", format="E", array=np.full(n, 4.0))]
    write(p("table_custom.fits"), [primary(), columns_hdu(cols)])

    # SSAP table with wavelengths in nm.
    with fits.open(os.path.join(real, "ondrejov", "vo-table", "ub240016.fits")) as h:
        t = h[1]
        cols = [fits.Column(name="spectral", format="D", unit="nm",
                            array=t.data["spectral"] / 10.0),
                fits.Column(name="flux", format="D", array=t.data["flux"])]
        hdu = columns_hdu(cols, header={k: t.header[k] for k in ("DS_IDPUB", "OBJECT", "RA", "DEC")})
        write(p("ssap_nm.fits"), [primary(), hdu])

    # gzip copies of real files, as .fits.gz and as gzip content under a .fits name.
    for src, name in ((sdss, "sdss"), (dr1, "lamost_dr1")):
        with open(src, "rb") as f:
            packed = gzip.compress(f.read())
        with open(p("gz_%s.fits.gz" % name), "wb") as f:
            f.write(packed)
        with open(p("gz_%s.fits" % name), "wb") as f:
            f.write(packed)
    with open(p("gz_sdss.fits.gz"), "rb") as f:
        packed = f.read()
    with open(p("bad_truncated.fits.gz"), "wb") as f:
        f.write(packed[: len(packed) // 3])
    with open(p("bad_gzip_text.fits"), "wb") as f:
        f.write(gzip.compress(b"this is not a FITS file\n" * 200))

    # Bad files.
    with fits.open(dr1) as h:
        h[0].data[0, :] = np.nan
        h.writeto(p("bad_all_nan.fits"), overwrite=True)
    with fits.open(dr1) as h:
        short = fits.PrimaryHDU(data=h[0].data[:2].copy(), header=h[0].header)
        short.writeto(p("bad_lamost_rows.fits"), overwrite=True)
    with fits.open(sdss) as h:
        coadd = h[1]
        cols = [c for c in coadd.columns if c.name != "flux"]
        write(p("bad_missing_flux.fits"), [primary(), columns_hdu(cols, "COADD")])
    cols = [fits.Column(name="wave", format="D", array=np.zeros(0)),
            fits.Column(name="flux", format="E", array=np.zeros(0))]
    write(p("bad_empty_table.fits"), [primary(), columns_hdu(cols)])
    img = primary()
    img.data = np.ones((10, 12), np.float32)
    img.writeto(p("bad_image_2d.fits"), overwrite=True)
    shutil.copyfile(sdss, p("sdss_named.csv"))  # content decides, not the name
    with fits.open(sdss) as h:  # VACUUM written as a string (the frame follows it)
        h[0].header["VACUUM"] = "F"
        h.writeto(p("sdss_vacuum_text.fits"), overwrite=True, output_verify="silentfix")

    # Text tables: a header naming an ivar column; comments, a header and blank lines.
    wave = np.linspace(6500.0, 6600.0, 300)
    flux = 1.0 + 0.05 * rng.standard_normal(300)
    err = 0.01 + 0.001 * np.arange(300)
    with open(p("text_header.csv"), "w") as f:
        f.write("wavelength,flux,ivar\n")
        for w, fl, e in zip(wave, flux, err):
            f.write("%r,%r,%r\n" % (w, fl, 1.0 / e**2))
    with open(p("text_comments.txt"), "w") as f:
        f.write("# a test spectrum\n# written by make_cases.py\nwave flux err\n\n")
        for w, fl, e in zip(wave, flux, err):
            f.write("%.10f\t%.8e   %.6g\n" % (w, fl, e))
        f.write("\n")

    lamost_conventions(out, real, dr1, dr2)
    generic_conventions(out, rng)
    gzip_other_content(out, real, rng)

    # CSV with every field quoted, as spreadsheets write it.
    with open(p("text_quoted.csv"), "w") as f:
        f.write('"wavelength","flux","err"\n')
        for w, fl, e in zip(wave, flux, err):
            f.write('"%r","%r","%r"\n' % (w, fl, e))

    # Bad text and non-FITS files.
    with open(p("bad_one_column.txt"), "w") as f:
        f.write("".join("%r\n" % v for v in flux))
    with open(p("bad_ragged.csv"), "w") as f:
        f.write("6500,1.0\n6501,1.1\n6502\n6503,1.2\n")
    with open(p("bad_no_data.txt"), "w") as f:
        f.write("# only comments\n# and a header\nwave flux\n")
    with open(p("bad_not_number.txt"), "w") as f:
        f.write("6500 1.0\n6501 oops\n")
    with open(p("bad_text_all_nan.csv"), "w") as f:
        f.write("6500,nan\n6501,NaN\n6502,inf\n")
    with open(p("bad_binary.fits"), "wb") as f:
        f.write(bytes(rng.integers(0, 256, 5000, dtype=np.uint8)))
    with open(p("bad_votable.xml"), "w") as f:
        f.write('<?xml version="1.0"?>\n<VOTABLE version="1.3"></VOTABLE>\n')


if __name__ == "__main__":
    main()
