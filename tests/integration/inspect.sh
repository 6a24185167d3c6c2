#!/usr/bin/env bash
# vocloud inspect --json --values on one file of every real layout (VOTable included) gives
# the layout and the same arrays as astropy reading the file independently.
source "$(dirname "$0")/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
files=("$REAL/sdss/spec-0266-51602-0013.fits" "$REAL/lamost-dr1/spec-55862-B6212_sp06-003.fits"
       "$REAL/lamost-dr2/spec-55916-B5591606_sp01-001.fits" "$REAL/ondrejov/raw/gamma-cas-emission-raw.fits"
       "$(ls $REAL/ondrejov/vo-table/*.fits | head -1)" "$REAL/formats/hd217476/binary.vot"
       "$REAL/formats/hd217476/tabledata.vot" "$REAL/formats/hd217476/spectrum.csv")
"$VOCLOUD_BIN" inspect --json --values "${files[@]}" > "$SCRATCH/inspect.json"
$PY - "$SCRATCH/inspect.json" <<'PYEOF'
import json, sys, warnings
import numpy as np
from astropy.io import fits
from astropy.io.votable import parse
warnings.simplefilter("ignore")
entries = json.load(open(sys.argv[1]))["files"]
want = ["sdss", "lamost_dr1", "lamost_dr2", "ondrejov_raw", "ondrejov_ssap", "votable", "votable", "text"]
assert [e.get("layout") for e in entries] == want, [e.get("layout") for e in entries]
def reference(path, layout):
    if layout == "sdss":
        d = fits.open(path)[1].data; return 10 ** d["loglam"].astype(float), d["flux"]
    if layout == "lamost_dr1":
        h = fits.open(path)[0]; i = np.arange(h.data.shape[1])
        return 10 ** (h.header["CRVAL1"] + h.header["CD1_1"] * (i + 1 - h.header["CRPIX1"])), h.data[0]
    if layout == "lamost_dr2":
        d = fits.open(path)[0].data; return d[2], d[0]
    if layout == "ondrejov_raw":
        h = fits.open(path)[0]; i = np.arange(h.data.shape[0])
        return h.header["CRVAL1"] + h.header["CDELT1"] * (i + 1 - h.header["CRPIX1"]), h.data
    if layout == "ondrejov_ssap":
        d = fits.open(path)[1].data; return d["spectral"], d["flux"]
    if layout == "votable":
        t = parse(path).get_first_table().array
        names = t.dtype.names
        return np.asarray(t[names[0]], float), np.asarray(t[names[1]], float)
    a = np.loadtxt(path, delimiter=",", comments="#", usecols=(0, 1), ndmin=2)
    return a[:, 0], a[:, 1]
for e in entries:
    wave, flux = reference(e["path"], e["layout"])
    assert np.allclose(e["wave"], wave, rtol=1e-12), e["path"]
    assert np.allclose(np.asarray(e["flux"], float), np.asarray(flux, float), rtol=1e-6, equal_nan=True), e["path"]
print(f"{len(entries)} files: layouts and arrays as astropy reads them")
PYEOF
