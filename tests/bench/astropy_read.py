"""The peer of bench_read: astropy reading the same files in one process, the way a user
would get wavelength, flux and inverse variance from each layout.

usage: astropy_read.py LAYOUT REPEAT FILE...   (prints one JSON line)
"""
import json
import sys
import time

import numpy as np
from astropy.io import fits


def read(layout, path):
    with fits.open(path) as h:
        if layout == "sdss":
            d = h[1].data
            return 10.0 ** np.asarray(d["loglam"], float), np.asarray(d["flux"]), np.asarray(d["ivar"])
        if layout == "lamost_dr1":
            hdr, d = h[0].header, h[0].data
            i = np.arange(d.shape[1])
            return 10.0 ** (hdr["CRVAL1"] + hdr["CD1_1"] * (i + 1 - hdr["CRPIX1"])), d[0].copy(), d[1].copy()
        if layout == "lamost_dr2":
            d = h[0].data
            return d[2].copy(), d[0].copy(), d[1].copy()
        if layout == "lamost_dr8":
            d = h[1].data
            return np.asarray(d["WAVELENGTH"][0]), np.asarray(d["FLUX"][0]), np.asarray(d["IVAR"][0])
        if layout == "ondrejov_raw":
            hdr, d = h[0].header, h[0].data
            i = np.arange(d.shape[0])
            return hdr["CRVAL1"] + hdr["CDELT1"] * (i + 1 - hdr["CRPIX1"]), d.copy(), None
        if layout == "ondrejov_ssap":
            d = h[1].data
            return np.asarray(d["spectral"]), np.asarray(d["flux"]), None
    raise ValueError(layout)


def main():
    layout, repeat, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    start = time.perf_counter()
    for _ in range(repeat):
        for f in files:
            read(layout, f)
    seconds = time.perf_counter() - start
    n = len(files) * repeat
    print(json.dumps({"spectra": n, "seconds": seconds, "spectra_per_s": n / seconds}))


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore")
    main()
