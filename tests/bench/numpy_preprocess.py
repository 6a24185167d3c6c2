"""The peer of the preprocess benchmark: a plain astropy + numpy script doing per file what
the stage does by default - read, air->vacuum for air layouts, cut to the grid, a
flux-conserving rebin onto a linear grid, an iteratively sigma-clipped polynomial continuum
normalisation - the way an astronomer would write it, vectorised with numpy.

usage: numpy_preprocess.py CATALOG.csv LIMIT LMIN LMAX POINTS   (prints one JSON line)
"""
import csv
import json
import os
import sys
import time
import warnings

import numpy as np
from astropy.io import fits


def read(path):
    with fits.open(path) as h:
        if "COADD" in h and "loglam" in h["COADD"].columns.names:           # SDSS
            d = h["COADD"].data
            return 10.0 ** np.asarray(d["loglam"], float), np.asarray(d["flux"], float), True
        if len(h) > 1 and h[1].columns is not None and "WAVELENGTH" in h[1].columns.names:  # LAMOST DR8
            d = h[1].data
            return np.asarray(d["WAVELENGTH"][0], float), np.asarray(d["FLUX"][0], float), True
        if len(h) > 1 and h[1].columns is not None and "spectral" in h[1].columns.names:    # Ondrejov SSAP
            d = h[1].data
            return np.asarray(d["spectral"], float), np.asarray(d["flux"], float), False
        hdr, data = h[0].header, h[0].data
        if data.ndim == 2:                                                   # LAMOST 5xN
            rows = hdr["EXTEN0"].split()
            if "Wavelength" in rows:
                return np.asarray(data[rows.index("Wavelength")], float), np.asarray(data[0], float), True
            i = np.arange(data.shape[1])
            return 10.0 ** (hdr["CRVAL1"] + hdr["CD1_1"] * (i + 1 - hdr["CRPIX1"])), np.asarray(data[0], float), True
        i = np.arange(data.shape[0])                                         # Ondrejov raw
        step = hdr.get("CDELT1", hdr.get("CD1_1"))
        return hdr["CRVAL1"] + step * (i + 1 - hdr["CRPIX1"]), np.asarray(data, float), False


def air_to_vacuum(air):
    s2 = (1e4 / air) ** 2
    n = 1 + 0.00008336624212083 + 0.02408926869968 / (130.1065924522 - s2) + 0.0001599740894897 / (38.92568793293 - s2)
    return air * n


def edges(c):
    mid = 0.5 * (c[1:] + c[:-1])
    return np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])


def rebin(wave, flux, grid):
    e_in, e_out = edges(wave), edges(grid)
    cumulative = np.concatenate([[0.0], np.cumsum(flux * np.diff(e_in))])
    at = np.interp(e_out, e_in, cumulative)
    return np.diff(at) / np.diff(e_out)


def continuum_normalise(x, flux, order=3, low=1.5, high=3.0, iterations=5):
    keep = np.isfinite(flux)
    for _ in range(iterations):
        coefficients = np.polynomial.legendre.legfit(x[keep], flux[keep], order)
        fit = np.polynomial.legendre.legval(x, coefficients)
        r = flux - fit
        sd = r[keep].std()
        keep = keep & (r > -low * sd) & (r < high * sd)
    return flux / fit


def main():
    catalog, limit, lmin, lmax, points = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    base = os.path.dirname(catalog)
    with open(catalog, newline="") as f:
        paths = [os.path.join(base, r["path"]) for r, _ in zip(csv.DictReader(f), range(limit))]
    grid = np.linspace(lmin, lmax, points)
    x = (grid - 0.5 * (lmin + lmax)) / (0.5 * (lmax - lmin))
    start = time.perf_counter()
    for p in paths:
        wave, flux, vacuum = read(p)
        if not vacuum:
            wave = air_to_vacuum(wave)
        continuum_normalise(x, rebin(wave, flux, grid))
    seconds = time.perf_counter() - start
    print(json.dumps({"spectra": len(paths), "seconds": seconds, "spectra_per_s": len(paths) / seconds}))


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    main()
