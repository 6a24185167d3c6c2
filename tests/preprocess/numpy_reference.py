#!/usr/bin/python3
"""Independent numpy reference for tests/preprocess (never imports or runs vocloud).

Usage:
  /usr/bin/python3 numpy_reference.py rebin LIST OUT
  /usr/bin/python3 numpy_reference.py wavelet OUT

rebin: LIST's first line is "grid\t<lambda_min>\t<lambda_max>\t<step_dex>", then one file a
line, "<layout>\t<path>" with layout "sdss" or "lamost_dr1". Each spectrum is read with
astropy as its archive documents it, rebinned flux-conservingly onto the logarithmic grid
(dense overlap matrix: every output pixel's flux is the overlap-weighted mean of the good
input pixels, variance sum(w^2 var) / (sum w)^2), missing pixels filled by np.interp over
pixel index, then divided by max |flux| of the good pixels. OUT gets per file

    file\t<path>
    coverage\t<fraction of output pixels with data>
    flux|ivar|mask\t<n>\t<v1> <v2> ...      (float repr, exact)
    end

(no arrays when no output pixel has data).

wavelet: random signals (numpy Generator, fixed seed) and their multilevel periodic DWT
by the textbook two-channel filter bank (circular convolution with the pywt filters, keep
every second sample), written as

    case\t<wavelet>\t<levels>
    signal|coefficients\t<n>\t<v1> ...
    end
"""
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.simplefilter("ignore")


def values(name, array):
    array = np.asarray(array, dtype=np.float64).ravel()
    return "%s\t%d\t%s\n" % (name, array.size, " ".join(repr(float(v)) for v in array))


# ---------------------------------------------------------------- reading (astropy)

def read_sdss(path):
    with fits.open(path) as h:
        coadd = h[1].data
        wave = 10.0 ** coadd["loglam"].astype(np.float64)
        return (wave, coadd["flux"].astype(np.float64), coadd["ivar"].astype(np.float64),
                coadd["and_mask"].astype(np.int64))


def read_lamost_dr1(path):
    # Primary 5 x N image, rows named by EXTEN0; wavelength from the log-linear header
    # solution (FITS pixels count from 1).
    with fits.open(path) as h:
        hdr, data = h[0].header, h[0].data
        rows = hdr["EXTEN0"].lower().split()
        pix = np.arange(data.shape[1], dtype=np.float64) + 1.0
        wave = 10.0 ** (hdr["CRVAL1"] + hdr["CD1_1"] * (pix - hdr["CRPIX1"]))
        return (wave, data[rows.index("flux")].astype(np.float64),
                data[rows.index("inverse")].astype(np.float64),
                data[rows.index("andmask")].astype(np.int64))


READERS = {"sdss": read_sdss, "lamost_dr1": read_lamost_dr1}


# ---------------------------------------------------------------- rebinning

def log_grid(lmin, lmax, step):
    n = int(np.floor((np.log10(lmax) - np.log10(lmin)) / step + 1e-9)) + 1
    return 10.0 ** (np.log10(lmin) + step * np.arange(n))


def edges(centres, logarithmic):
    c = np.log(centres) if logarithmic else np.asarray(centres, dtype=np.float64)
    inner = 0.5 * (c[1:] + c[:-1])
    e = np.concatenate(([c[0] - 0.5 * (c[1] - c[0])], inner, [c[-1] + 0.5 * (c[-1] - c[-2])]))
    return np.exp(e) if logarithmic else e


def looks_logarithmic(wave):
    # the documented rule: the sampling whose steps spread less (relative to their mean)
    def spread(d):
        return (d.max() - d.min()) / d.mean()
    return len(wave) >= 3 and spread(np.diff(np.log(wave))) < spread(np.diff(wave))


def rebin(wave, flux, ivar, mask, grid):
    if wave[0] > wave[-1]:
        wave, flux, ivar, mask = wave[::-1], flux[::-1], ivar[::-1], mask[::-1]
    good = (mask == 0) & np.isfinite(flux) & np.isfinite(ivar) & (ivar > 0)
    e_in = edges(wave, looks_logarithmic(wave))
    e_out = edges(grid, True)
    lo_out, hi_out = e_out[:-1], e_out[1:]
    inside = (lo_out >= e_in[0]) & (hi_out <= e_in[-1])
    var_in = np.where(good, 1.0 / np.where(good, ivar, 1.0), 0.0)
    flux_in = np.where(good, flux, 0.0)
    out_flux = np.zeros(grid.size)
    out_ivar = np.zeros(grid.size)
    sum_w = np.zeros(grid.size)
    for start in range(0, grid.size, 256):
        stop = min(grid.size, start + 256)
        overlap = (np.minimum(hi_out[start:stop, None], e_in[None, 1:]) -
                   np.maximum(lo_out[start:stop, None], e_in[None, :-1]))
        w = np.clip(overlap, 0.0, None) * good[None, :]
        sw = w.sum(axis=1)
        sum_w[start:stop] = sw
        with np.errstate(invalid="ignore", divide="ignore"):
            out_flux[start:stop] = (w @ flux_in) / sw
            out_ivar[start:stop] = sw ** 2 / ((w ** 2) @ var_in)
    has_data = inside & (sum_w > 0)
    out_flux[~has_data] = 0.0
    out_ivar[~has_data] = 0.0
    return out_flux, out_ivar, (~has_data).astype(np.int64)


def fill_and_max_normalise(flux, ivar, missing):
    good = missing == 0
    index = np.arange(flux.size)
    flux = np.interp(index, index[good], flux[good])  # constant beyond the ends
    peak = np.max(np.abs(flux[good]))
    return flux / peak, ivar * peak ** 2


def run_rebin(list_path, out_path):
    with open(list_path) as f:
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    _, lmin, lmax, step = lines[0]
    grid = log_grid(float(lmin), float(lmax), float(step))
    with open(out_path, "w") as out:
        out.write(values("grid", grid))
        for layout, path in lines[1:]:
            out.write("file\t%s\n" % path)
            flux, ivar, missing = rebin(*READERS[layout](path), grid)
            coverage = float(np.mean(missing == 0))
            out.write("coverage\t%r\n" % coverage)
            if coverage > 0:
                flux, ivar = fill_and_max_normalise(flux, ivar, missing)
                out.write(values("flux", flux))
                out.write(values("ivar", ivar))
                out.write(values("mask", missing))
            out.write("end\n")


# ---------------------------------------------------------------- wavelets

def filters(name):
    if name == "haar":
        lo = np.array([1.0, 1.0]) / np.sqrt(2.0)
    else:  # db2: Daubechies' 4-tap orthonormal scaling filter, pywt ordering
        r3 = np.sqrt(3.0)
        lo = np.array([1 - r3, 3 - r3, 3 + r3, 1 + r3]) / (4.0 * np.sqrt(2.0))
    hi = lo[::-1] * np.array([(-1.0) ** (k + 1) for k in range(lo.size)])
    return lo, hi


def analysis_step(x, lo, hi):
    # circular convolution y[n] = sum_j h[j] x[n - j], then keep y[F/2 + 2k]
    # (pywt "periodization" keeps the samples F/2, F/2 + 2, ...)
    m, taps = x.size, lo.size
    def conv(h):
        return sum(h[j] * np.roll(x, j) for j in range(taps))
    keep = (taps // 2 + 2 * np.arange(m // 2)) % m
    return conv(lo)[keep], conv(hi)[keep]


def synthesis_step(a, d, lo, hi):
    # upsample (put a[k] at position F/2 + 2k) and correlate with the analysis filters
    m, taps = 2 * a.size, lo.size
    ua, ud = np.zeros(m), np.zeros(m)
    positions = (taps // 2 + 2 * np.arange(a.size)) % m
    ua[positions], ud[positions] = a, d
    return sum(lo[j] * np.roll(ua, -j) + hi[j] * np.roll(ud, -j) for j in range(taps))


def wavedec(x, name, levels):
    lo, hi = filters(name)
    details, a = [], np.asarray(x, dtype=np.float64)
    for _ in range(levels):
        a, d = analysis_step(a, lo, hi)
        details.append(d)
    return np.concatenate([a] + details[::-1])


def waverec(c, name, levels):
    lo, hi = filters(name)
    n = c.size
    a = c[: n >> levels]
    for level in range(levels, 0, -1):
        size = n >> level
        a = synthesis_step(a, c[size: 2 * size], lo, hi)
    return a


def run_wavelet(out_path):
    rng = np.random.default_rng(20240611)
    with open(out_path, "w") as out:
        for name in ("haar", "db2"):
            for n, levels in ((8, 1), (8, 3), (64, 4), (96, 5), (256, 8), (1024, 6)):
                x = rng.normal(size=n) * 10.0 + rng.uniform(-5, 5)
                c = wavedec(x, name, levels)
                back = waverec(c, name, levels)
                if not np.allclose(back, x, rtol=0, atol=1e-10):
                    raise SystemExit("numpy reference: %s level %d does not invert" % (name, levels))
                out.write("case\t%s\t%d\n" % (name, levels))
                out.write(values("signal", x))
                out.write(values("coefficients", c))
                out.write("end\n")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "rebin":
        run_rebin(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "wavelet":
        run_wavelet(sys.argv[2])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
