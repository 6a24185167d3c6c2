#!/usr/bin/python3
"""Independent check of a synthetic base of knowledge with astropy.

Usage: /usr/bin/python3 tests/python/check_synth_bok.py BOK_DIR [--max-files N] [--seed S]

BOK_DIR holds catalog.csv (id,path,format,label,outlier_kind,ra,dec,z,snr; path relative
to BOK_DIR, format one of the layout names) and the FITS files it lists. Nothing here uses
vocloud code: every file is read the way an astropy user reads the real archive layout.

For every catalog row: the format, label and outlier kind are known names and the file
exists. For every file of a sample (all files when there are at most --max-files):
  * the HDU structure is the layout's (EXTNAME, columns, EXTEN0, NAXIS, keywords);
  * the wavelengths, read as the layout prescribes, ascend, lie in the layout's range and
    cover H-alpha; flux (and ivar) are finite;
  * the id, RA and Dec in the header match the catalog.
For the non-outliers of the sample:
  * the H-alpha profile, classified from the flux alone (continuum = median of side bands),
    agrees with the catalog label for >= 95 % of them;
  * the S/N estimated from line-free bands (median flux / robust std of first differences
    / sqrt 2) is within a factor 1.5 of the catalog snr for >= 90 % of them.
Prints a summary; exits 1 with the reasons when a check fails, 2 on bad usage.
"""
import argparse
import csv
import math
import os
import random
import sys

import numpy as np
from astropy.io import fits

LAYOUTS = ("sdss", "lamost_dr1", "lamost_dr2", "lamost_dr8", "ondrejov_raw", "ondrejov_ssap")
LABELS = ("absorption", "emission", "double_peak")
OUTLIERS = ("", "none", "p_cygni", "flat", "cosmic", "bad_calibration")
VACUUM = {"sdss", "lamost_dr1", "lamost_dr2", "lamost_dr8"}
HALPHA_AIR, HALPHA_VACUUM = 6562.80, 6564.61
# Wavelength range (Å) each layout may cover.
RANGES = {
    "sdss": (3600.0, 10400.0),
    "lamost_dr1": (3650.0, 9200.0),
    "lamost_dr2": (3650.0, 9200.0),
    "lamost_dr8": (3650.0, 9200.0),
    "ondrejov_raw": (6200.0, 6850.0),
    "ondrejov_ssap": (6250.0, 6760.0),
}
SDSS_COLUMNS = {"flux": "E", "loglam": "E", "ivar": "E", "and_mask": "J", "or_mask": "J",
                "wdisp": "E", "sky": "E", "model": "E"}
DR8_COLUMNS = ("FLUX", "IVAR", "WAVELENGTH", "ANDMASK", "ORMASK", "NORMALIZATION")
LABEL_AGREEMENT = 0.95
SNR_AGREEMENT = 0.90
SNR_FACTOR = 1.5
POSITION_TOLERANCE_DEG = 2e-5
EXTEN0_SEEN = {}  # dr2 -> {EXTEN0 value: files}: both conventions must appear


class LayoutError(Exception):
    """The file does not have the structure of its catalog format."""


def require(condition, message):
    if not condition:
        raise LayoutError(message)


def sexagesimal_to_degrees(text, hours):
    text = text.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    parts = [float(p) for p in text.lstrip("+-").split(":")]
    require(len(parts) == 3, f"sexagesimal value '{text}' is not d:m:s")
    value = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0
    return sign * value * (15.0 if hours else 1.0)


def read_sdss(hdul):
    require(len(hdul) >= 3, f"SDSS needs 3 HDUs, found {len(hdul)}")
    require(hdul[0].header["NAXIS"] == 0, "SDSS primary HDU must be empty")
    require(hdul[1].name == "COADD", f"HDU 1 EXTNAME is '{hdul[1].name}', not COADD")
    require(hdul[2].name == "SPECOBJ", f"HDU 2 EXTNAME is '{hdul[2].name}', not SPECOBJ")
    cols = {c.name: c.format for c in hdul[1].columns}
    for name, form in SDSS_COLUMNS.items():
        require(cols.get(name) == form, f"COADD column {name} is {cols.get(name)}, not {form}")
    spec = hdul[2].data
    require(len(spec) == 1, "SPECOBJ must have one row")
    for name in ("CLASS", "SUBCLASS", "Z", "PLUG_RA", "PLUG_DEC"):
        require(name in spec.columns.names, f"SPECOBJ lacks column {name}")
    require(spec["CLASS"][0].strip() == "STAR", f"SPECOBJ CLASS is '{spec['CLASS'][0]}'")
    d = hdul[1].data
    return dict(wave=10.0 ** d["loglam"].astype(float), flux=d["flux"].astype(float),
                ivar=d["ivar"].astype(float), ident=hdul[0].header.get("OBJNAME"),
                ra=float(spec["PLUG_RA"][0]), dec=float(spec["PLUG_DEC"][0]),
                ra2=hdul[0].header.get("RA"), dec2=hdul[0].header.get("DEC"))


def read_lamost_image(hdul, dr2):
    hdr = hdul[0].header
    require(hdr["NAXIS"] == 2 and hdr["NAXIS2"] == 5, "LAMOST primary must be a 5 x N image")
    # DR1/DR2 name the rows with blanks, DR3-DR7 with commas: synth writes both.
    names = ["Flux", "Inverse", "Wavelength" if dr2 else "Subcontinuum", "Andmask", "Ormask"]
    conventions = (" ".join(names), ", ".join(names))
    require(hdr.get("EXTEN0") in conventions,
            f"EXTEN0 is '{hdr.get('EXTEN0')}', not one of {conventions}")
    EXTEN0_SEEN.setdefault(dr2, {})
    EXTEN0_SEEN[dr2][hdr.get("EXTEN0")] = EXTEN0_SEEN[dr2].get(hdr.get("EXTEN0"), 0) + 1
    for key in ("CLASS", "SUBCLASS", "Z", "RA", "DEC", "OBJNAME", "VACUUM"):
        require(key in hdr, f"primary header lacks {key}")
    require(hdr["VACUUM"] is True, "VACUUM must be T")
    data = hdul[0].data.astype(float)
    if dr2:
        wave = data[2]
    else:
        for key in ("CRVAL1", "CD1_1"):
            require(key in hdr, f"primary header lacks {key}")
        crpix = hdr.get("CRPIX1", 1.0)
        wave = 10.0 ** (hdr["CRVAL1"] + hdr["CD1_1"] * (np.arange(data.shape[1]) + 1 - crpix))
        norm = data[2][data[1] > 0]
        require(norm.size == 0 or 0.3 < np.median(norm) < 3.0,
                "row 3 (Subcontinuum) is not a continuum-normalised flux")
    return dict(wave=wave, flux=data[0], ivar=data[1], ident=hdr["OBJNAME"],
                ra=float(hdr["RA"]), dec=float(hdr["DEC"]))


def read_lamost_dr8(hdul):
    require(len(hdul) >= 2, "LAMOST DR8 needs a primary HDU and a COADD table")
    hdr = hdul[0].header
    require(hdr["NAXIS"] == 0, "LAMOST DR8 primary HDU must be empty")
    require(hdul[1].name == "COADD", f"HDU 1 EXTNAME is '{hdul[1].name}', not COADD")
    require(len(hdul[1].data) == 1, "COADD must have one row")
    names = hdul[1].columns.names
    for name in DR8_COLUMNS:
        require(name in names, f"COADD lacks column {name}")
    for key in ("CLASS", "SUBCLASS", "Z", "RA", "DEC", "OBJNAME"):
        require(key in hdr, f"primary header lacks {key}")
    row = hdul[1].data[0]
    return dict(wave=np.asarray(row["WAVELENGTH"], float), flux=np.asarray(row["FLUX"], float),
                ivar=np.asarray(row["IVAR"], float), ident=hdr["OBJNAME"],
                ra=float(hdr["RA"]), dec=float(hdr["DEC"]))


def read_ondrejov_raw(hdul):
    hdr = hdul[0].header
    require(hdr["NAXIS"] == 1, f"Ondřejov raw must be a 1-D image, NAXIS = {hdr['NAXIS']}")
    require(hdr.get("CTYPE1", "").strip() == "LINEAR", "CTYPE1 must be LINEAR")
    require(hdr.get("BUNIT", "").strip() == "ADU", "BUNIT must be ADU")
    for key in ("CRVAL1", "CDELT1", "OBJECT", "RA", "DEC", "DATE-OBS"):
        require(key in hdr, f"primary header lacks {key}")
    flux = hdul[0].data.astype(float)
    pixel = np.arange(flux.size) + 1.0
    wave = hdr["CRVAL1"] + hdr["CDELT1"] * (pixel - hdr.get("CRPIX1", 1.0))
    return dict(wave=wave, flux=flux, ivar=None, ident=hdr["OBJECT"],
                ra=sexagesimal_to_degrees(hdr["RA"], True),
                dec=sexagesimal_to_degrees(hdr["DEC"], False))


def read_ondrejov_ssap(hdul):
    require(len(hdul) == 2, f"SSAP file needs 2 HDUs, found {len(hdul)}")
    require(hdul[0].header["NAXIS"] == 0, "SSAP primary HDU must be empty")
    require(isinstance(hdul[1], fits.BinTableHDU), "HDU 1 must be a BINTABLE")
    cols = hdul[1].columns
    require(cols.names == ["spectral", "flux"], f"columns are {cols.names}")
    require(cols["spectral"].format == "D" and cols["flux"].format == "D", "columns must be D")
    require((cols["spectral"].unit or "").strip() == "Angstrom", "spectral TUNIT must be Angstrom")
    hdr = hdul[1].header
    require(hdr.get("TUTYP1") == "spec:spectrum.data.spectralaxis.value", "TUTYP1")
    require(hdr.get("TUTYP2") == "spec:spectrum.data.fluxaxis.value", "TUTYP2")
    ident = hdr.get("OBJECT")
    pub = hdr.get("DS_IDPUB", "")
    require(pub == f"ivo://asu.cas.cz/stel/ccd700/{ident}", f"DS_IDPUB '{pub}' does not name the id")
    d = hdul[1].data
    return dict(wave=d["spectral"].astype(float), flux=d["flux"].astype(float), ivar=None,
                ident=ident, ra=float(hdr["RA"]), dec=float(hdr["DEC"]))


def read_spectrum(path, layout):
    with fits.open(path, memmap=False) as hdul:
        if layout == "sdss":
            return read_sdss(hdul)
        if layout in ("lamost_dr1", "lamost_dr2"):
            return read_lamost_image(hdul, layout == "lamost_dr2")
        if layout == "lamost_dr8":
            return read_lamost_dr8(hdul)
        if layout == "ondrejov_raw":
            return read_ondrejov_raw(hdul)
        return read_ondrejov_ssap(hdul)


def robust_sigma(values):
    values = np.asarray(values, float)
    if values.size < 5:
        return float("nan")
    return 1.4826 * float(np.median(np.abs(values - np.median(values))))


def pixel_noise(wave, flux, good, lo, hi):
    """Median flux and per-pixel noise (robust std of first differences / sqrt 2) in [lo, hi]."""
    idx = np.flatnonzero(good & (wave >= lo) & (wave <= hi))
    if idx.size < 10:
        return float("nan"), float("nan")
    adjacent = np.diff(idx) == 1
    diffs = np.diff(flux[idx])[adjacent]
    return float(np.median(flux[idx])), robust_sigma(diffs) / math.sqrt(2.0)


def classify_halpha(wave, flux, good, center, high_resolution):
    """'emission', 'double_peak', 'absorption' or 'none' from the profile around `center`."""
    side = good & (np.abs(wave - center) >= 25.0) & (np.abs(wave - center) <= 50.0)
    if side.sum() < 10:
        return "none"
    continuum = float(np.median(flux[side]))
    _, sigma = pixel_noise(wave, flux, side, center - 50.0, center + 50.0)
    if not (continuum > 0 and sigma > 0):
        return "none"
    core = np.flatnonzero(good & (np.abs(wave - center) <= 12.0))
    if core.size < 8:
        return "none"
    raw = flux[core] / continuum - 1.0
    # A 3-pixel boxcar (about a resolution element at low resolution, less than one at high
    # resolution) for detecting the line; double peaks at low resolution use the raw pixels.
    smooth = np.convolve(raw, np.ones(3) / 3.0, mode="same")
    smooth[0], smooth[-1] = raw[0], raw[-1]
    noise = sigma / continuum
    smooth_noise = noise / math.sqrt(3.0)
    top, bottom = float(smooth.max()), float(smooth.min())
    if top > 5.0 * smooth_noise * math.sqrt(1.0 + top) and top > -bottom:
        if high_resolution:
            two = has_two_peaks(wave[core], smooth, smooth_noise, True)
        else:
            two = has_two_peaks(wave[core], raw, noise, False)
        return "double_peak" if two else "emission"
    if -bottom > 4.0 * smooth_noise:
        return "absorption"
    return "none"


def has_two_peaks(wave, y, noise, high_resolution):
    """Two local maxima at least a resolution element apart with a significant dip between."""
    reach = 2 if high_resolution else 1
    min_separation = 1.5 if high_resolution else 3.0
    top = y.max()
    peaks = [i for i in range(reach, y.size - reach)
             if y[i] == y[i - reach:i + reach + 1].max() and y[i] >= 0.25 * top]
    best = 0.0
    for a in range(len(peaks)):
        for b in range(a + 1, len(peaks)):
            i, j = peaks[a], peaks[b]
            if wave[j] - wave[i] < min_separation:
                continue
            lower = min(y[i], y[j])
            dip = lower - y[i:j + 1].min()
            threshold = max(4.0 * noise * math.sqrt(1.0 + lower), 0.1 * lower)
            best = max(best, dip / threshold)
    return best > 1.0


def estimate_snr(wave, flux, good, layout, z):
    """S/N per pixel of the continuum in line-free bands (rest 6600-6650 Å, and 6720-7250 Å
    and 7400-7580 Å at low resolution), shifted by the catalog z."""
    bands = [(6600.0, 6650.0)]
    if layout in VACUUM:
        bands += [(6720.0, 7250.0), (7400.0, 7580.0)]
    estimates, weights = [], []
    for lo, hi in bands:
        level, sigma = pixel_noise(wave, flux, good, lo * (1 + z), hi * (1 + z))
        count = int((good & (wave >= lo * (1 + z)) & (wave <= hi * (1 + z))).sum())
        if sigma > 0 and math.isfinite(level):
            estimates.append(level / sigma)
            weights.append(count)
    if not estimates:
        return float("nan")
    return float(np.average(estimates, weights=weights))


def angular_gap(a, b):
    gap = abs(a - b) % 360.0
    return min(gap, 360.0 - gap)


def check_file(bok, row, stats):
    """Checks one spectrum; returns a list of problems (empty when fine)."""
    layout = row["format"]
    problems = []
    try:
        spec = read_spectrum(os.path.join(bok, row["path"]), layout)
    except LayoutError as error:
        return [f"layout {layout}: {error}"]
    except (OSError, KeyError, ValueError, TypeError, IndexError) as error:
        return [f"unreadable as {layout}: {type(error).__name__}: {error}"]
    wave, flux, ivar = spec["wave"], spec["flux"], spec["ivar"]
    z = float(row["z"])
    center = (HALPHA_VACUUM if layout in VACUUM else HALPHA_AIR) * (1 + z)
    lo, hi = RANGES[layout]
    if wave.size < 100 or wave.size != flux.size:
        problems.append(f"{wave.size} wavelengths for {flux.size} fluxes")
        return problems
    if not np.all(np.diff(wave) > 0):
        problems.append("wavelengths do not ascend")
    if wave[0] < lo or wave[-1] > hi:
        problems.append(f"wavelengths {wave[0]:.1f}..{wave[-1]:.1f} Å outside {lo:.0f}..{hi:.0f}")
    if not (wave[0] < center - 50 and wave[-1] > center + 50):
        problems.append(f"wavelengths {wave[0]:.1f}..{wave[-1]:.1f} Å miss H-alpha {center:.1f}")
    if not np.all(np.isfinite(flux)):
        problems.append("non-finite flux")
    if ivar is not None and not (np.all(np.isfinite(ivar)) and np.all(ivar >= 0)):
        problems.append("ivar not finite and >= 0")
    if str(spec["ident"]).strip() != row["id"]:
        problems.append(f"header id '{spec['ident']}' != catalog id '{row['id']}'")
    ra, dec = float(row["ra"]), float(row["dec"])
    positions = [(spec["ra"], spec["dec"])]
    if spec.get("ra2") is not None:
        positions.append((float(spec["ra2"]), float(spec["dec2"])))
    for hra, hdec in positions:
        if angular_gap(hra, ra) > POSITION_TOLERANCE_DEG or abs(hdec - dec) > POSITION_TOLERANCE_DEG:
            problems.append(f"header position ({hra:.6f}, {hdec:.6f}) != catalog ({ra}, {dec})")
    if problems or row["outlier_kind"] not in ("", "none"):
        return problems

    good = np.isfinite(flux) if ivar is None else (np.isfinite(flux) & (ivar > 0))
    found = classify_halpha(wave, flux, good, center, layout not in VACUUM)
    stats["confusion"].setdefault((row["label"], found), 0)
    stats["confusion"][(row["label"], found)] += 1
    stats["labelled"] += 1
    if found == row["label"]:
        stats["label_ok"] += 1
    elif len(stats["label_misses"]) < 15:
        stats["label_misses"].append(f"{row['id']} ({layout}, snr {row['snr']}): "
                                     f"catalog {row['label']}, flux looks {found}")
    snr = estimate_snr(wave, flux, good, layout, z)
    stats["snr_checked"] += 1
    expected = float(row["snr"])
    if math.isfinite(snr) and expected / SNR_FACTOR <= snr <= expected * SNR_FACTOR:
        stats["snr_ok"] += 1
    elif len(stats["snr_misses"]) < 15:
        stats["snr_misses"].append(f"{row['id']} ({layout}): catalog snr {expected:.1f}, "
                                   f"estimated {snr:.1f}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bok", help="base of knowledge directory (with catalog.csv)")
    parser.add_argument("--max-files", type=int, default=2000,
                        help="check at most this many files (a fixed random sample)")
    parser.add_argument("--seed", type=int, default=12345, help="seed of the sample")
    args = parser.parse_args()

    catalog = os.path.join(args.bok, "catalog.csv")
    if not os.path.isfile(catalog):
        print(f"check_synth_bok: no catalog.csv in '{args.bok}'", file=sys.stderr)
        return 2
    with open(catalog, newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        rows = list(reader)
    failures = []
    expected_header = ["id", "path", "format", "label", "outlier_kind", "ra", "dec", "z", "snr"]
    if header != expected_header:
        failures.append(f"catalog header is {header}, expected {expected_header}")
    if not rows:
        failures.append("catalog.csv lists no spectra")
    catalog_errors = []
    for number, row in enumerate(rows, start=2):
        where = f"catalog.csv line {number} ({row.get('id')})"
        if row.get("format") not in LAYOUTS:
            catalog_errors.append(f"{where}: unknown format '{row.get('format')}'")
        elif row.get("label") not in LABELS:
            catalog_errors.append(f"{where}: unknown label '{row.get('label')}'")
        elif row.get("outlier_kind") not in OUTLIERS:
            catalog_errors.append(f"{where}: unknown outlier kind '{row.get('outlier_kind')}'")
        elif not os.path.isfile(os.path.join(args.bok, row.get("path") or "")):
            catalog_errors.append(f"{where}: file '{row.get('path')}' is missing")
    failures += catalog_errors[:20]
    if len(catalog_errors) > 20:
        failures.append(f"... and {len(catalog_errors) - 20} more catalog errors")
    if failures:
        return report(failures, None)

    sample = rows if len(rows) <= args.max_files else random.Random(args.seed).sample(
        rows, args.max_files)
    stats = dict(labelled=0, label_ok=0, snr_checked=0, snr_ok=0, confusion={},
                 label_misses=[], snr_misses=[], files=len(sample), per_layout={})
    file_errors = []
    for row in sample:
        stats["per_layout"][row["format"]] = stats["per_layout"].get(row["format"], 0) + 1
        for problem in check_file(args.bok, row, stats):
            file_errors.append(f"{row['path']}: {problem}")
    failures += file_errors[:20]
    if len(file_errors) > 20:
        failures.append(f"... and {len(file_errors) - 20} more file problems")
    for dr2, seen in EXTEN0_SEEN.items():
        if sum(seen.values()) >= 10 and len(seen) < 2:
            failures.append(f"every {'DR2-7' if dr2 else 'DR1'}-style LAMOST file writes EXTEN0 "
                            f"one way ({seen}); synth writes both the blank and comma conventions")
    if stats["labelled"] == 0:
        failures.append("no non-outlier spectrum to check the labels on")
    else:
        share = stats["label_ok"] / stats["labelled"]
        if share < LABEL_AGREEMENT:
            failures.append(f"H-alpha profile agrees with the label for {share:.1%} of "
                            f"non-outliers (< {LABEL_AGREEMENT:.0%}): "
                            + "; ".join(stats["label_misses"][:5]))
        share = stats["snr_ok"] / stats["snr_checked"]
        if share < SNR_AGREEMENT:
            failures.append(f"S/N within x{SNR_FACTOR} of the catalog for {share:.1%} of "
                            f"non-outliers (< {SNR_AGREEMENT:.0%}): "
                            + "; ".join(stats["snr_misses"][:5]))
    return report(failures, stats, len(rows))


def report(failures, stats, total=0):
    if stats is not None:
        layouts = ", ".join(f"{k} {v}" for k, v in sorted(stats["per_layout"].items()))
        print(f"check_synth_bok: {stats['files']} of {total} files checked ({layouts})")
        if stats["labelled"]:
            print(f"  labels: {stats['label_ok']}/{stats['labelled']} non-outliers agree "
                  f"({stats['label_ok'] / stats['labelled']:.1%})")
            found_names = sorted({f for _, f in stats["confusion"]})
            print("  confusion (catalog -> classified): " + "; ".join(
                f"{label}: " + ", ".join(f"{f} {stats['confusion'].get((label, f), 0)}"
                                         for f in found_names)
                for label in LABELS))
            print(f"  snr: {stats['snr_ok']}/{stats['snr_checked']} within x{SNR_FACTOR} "
                  f"({stats['snr_ok'] / stats['snr_checked']:.1%})")
            for miss in stats["label_misses"][:5]:
                print(f"  label miss: {miss}")
            for miss in stats["snr_misses"][:5]:
                print(f"  snr miss: {miss}")
    if failures:
        print("check_synth_bok: FAILED", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print("check_synth_bok: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
