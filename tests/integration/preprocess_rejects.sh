#!/usr/bin/env bash
# One bad spectrum never stops a run, and no small input takes large memory:
# - real Ondřejov spectra edited by astropy (raw image with CRVAL1 = 0, raw image whose
#   negative CDELT1 runs below 0 Å, SSAP table with a NaN wavelength, a catalog redshift of
#   -2 under rest_frame) mixed with good ones, preprocessed on 2 ranks: the good ones (and a
#   raw image stored with a descending axis) are in dataset.h5, each bad one is in /rejected
#   with its path and its reason, and the run succeeds;
# - `inspect` refuses a 4 MB gzip bomb (4 GiB of zeros), a 92 KB LAMOST file claiming
#   NAXIS1 = 1e9 and a VOTable of 150,000 nested GROUPs with their reasons, exit 1 (not a
#   crash), within bounded peak memory (GNU time's maximum resident set size).
source "$(dirname "$0")/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
cd "$SCRATCH"
mkdir -p bok
$PY - "$REAL" <<'PYEOF'
import shutil, sys, warnings
import numpy as np
from astropy.io import fits
warnings.simplefilter("ignore")
real = sys.argv[1]
raw = real + "/ondrejov/raw/"
vot = real + "/ondrejov/vo-table/"
good_raw = ["oe270005", "ua280060", "alpha-lyr-absorption-raw", "gamma-cas-emission-raw",
            "bt-cmi-ondrejov-raw"]
good_vot = ["a201402030013", "a201403280029", "a201503100010"]
rows = []
for name in good_raw:
    shutil.copy(raw + name + ".fits", "bok/" + name + ".fits")
    rows.append((name, name + ".fits", ""))
for name in good_vot:
    shutil.copy(vot + name + ".fits", "bok/" + name + ".fits")
    rows.append((name, name + ".fits", ""))

def edited_raw(src, dst, change):
    with fits.open(raw + src + ".fits") as h:
        hdu = fits.PrimaryHDU(data=h[0].data.copy(), header=h[0].header.copy())
    change(hdu)
    hdu.writeto("bok/" + dst, overwrite=True, output_verify="silentfix")

def crval0(hdu):
    hdu.header["CRVAL1"] = 0.0
def below_zero(hdu):  # 6252.97 A - 10 A per pixel: below 0 A at pixel 627
    hdu.header["CDELT1"] = -10.0
    hdu.header["CD1_1"] = -10.0
def descending(hdu):  # the same spectrum stored from red to blue
    h = hdu.header
    n = h["NAXIS1"]
    last = h["CRVAL1"] + h["CDELT1"] * (n - h["CRPIX1"])
    hdu.data = hdu.data[::-1].copy()
    h["CRVAL1"], h["CRPIX1"] = last, 1.0
    h["CDELT1"] = h["CD1_1"] = -h["CDELT1"]
edited_raw("oe270005", "bad_crval0.fits", crval0)
edited_raw("ua280060", "bad_cdelt.fits", below_zero)
edited_raw("bt-cmi-ondrejov-raw", "descending.fits", descending)
rows += [("bad-crval0", "bad_crval0.fits", ""), ("bad-cdelt", "bad_cdelt.fits", ""),
         ("descending", "descending.fits", "")]
with fits.open(vot + "a201504150031.fits") as h:
    h[1].data["spectral"][100] = np.nan
    h.writeto("bok/bad_nan_wave.fits", overwrite=True)
rows.append(("bad-nan-wave", "bad_nan_wave.fits", ""))
shutil.copy(raw + "oe270005.fits", "bok/redshift.fits")
rows.append(("bad-redshift", "redshift.fits", "-2"))
with open("bok/catalog.csv", "w") as f:
    f.write("id,path,z\n")
    for row in rows:
        f.write(",".join(row) + "\n")
PYEOF
cat > pre.yaml <<YAML
experiment: rej
output: out
stages: [preprocess]
preprocess:
  input: directory
  bok_dir: $SCRATCH/bok
  frame: vacuum
  rest_frame: true
  lambda_min: 6400
  lambda_max: 6700
  points: 300
  round_rows: 4
  pca_components: 2
YAML
mpi 2 run pre.yaml >log.txt 2>&1 || { cat log.txt; fail "preprocess with bad spectra failed"; }
expect_contains log.txt "rejected 4 spectra of 13"
$PY - <<'PYEOF'
import h5py, numpy as np
f = h5py.File("out/rej/preprocess/dataset.h5", "r")
ids = [i.decode() for i in f["/meta/id"][()]]
good = {"oe270005", "ua280060", "alpha-lyr-absorption-raw", "gamma-cas-emission-raw",
        "bt-cmi-ondrejov-raw", "a201402030013", "a201403280029", "a201503100010", "descending"}
assert set(ids) == good, ids
rejected = {i.decode(): (p.decode(), r.decode()) for i, p, r in
            zip(f["/rejected/id"][()], f["/rejected/path"][()], f["/rejected/reason"][()])}
want = {"bad-crval0": ("bad_crval0.fits", "bad_wavelength", "is 0 Å"),
        "bad-cdelt": ("bad_cdelt.fits", "bad_wavelength", "wavelength 627 of 1997"),  # 6252.97 - 10 x 626 < 0
        "bad-nan-wave": ("bad_nan_wave.fits", "bad_wavelength", "is nan"),
        "bad-redshift": ("redshift.fits", "bad_redshift", "z = -2")}
assert set(rejected) == set(want), rejected
for key, (name, token, detail) in want.items():
    path, reason = rejected[key]
    assert path.endswith("/bok/" + name), (key, path)
    assert reason.split(":")[0] == token, (key, reason)
    assert detail in reason, (key, reason)
# The descending copy is the same spectrum: the same row as the original after resampling.
flux = f["/flux"][()]
a, b = flux[ids.index("bt-cmi-ondrejov-raw")], flux[ids.index("descending")]
assert np.allclose(a, b, rtol=1e-4, atol=1e-5), np.abs(a - b).max()
print("2 ranks: 9 good spectra kept, 4 bad ones in /rejected with path and reason")
PYEOF

# Small inputs that claim or inflate to gigabytes.
$PY - <<'PYEOF'
import struct, zlib
# 4 GiB of zeros: a raw deflate chunk of 1 MiB from an empty history, ended by a full flush
# (so it decodes the same wherever it stands), repeated 4096 times; CRC-32 and ISIZE trailer.
zeros = bytes(1 << 20)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
chunk = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
end = c.flush(zlib.Z_FINISH)
crc = 0
for _ in range(4096):
    crc = zlib.crc32(zeros, crc)
with open("bomb.fits.gz", "wb") as f:
    f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03" + chunk * 4096 + end)
    f.write(struct.pack("<II", crc, (4096 << 20) & 0xFFFFFFFF))
# the stream is valid gzip: its first 64 MiB inflate to zeros
d = zlib.decompressobj(16 + zlib.MAX_WBITS)
head = d.decompress(open("bomb.fits.gz", "rb").read(), 64 << 20)
assert len(head) == 64 << 20 and head.count(0) == len(head)
depth = 150000
with open("deep.vot", "w") as f:
    f.write('<?xml version="1.0"?>\n<VOTABLE version="1.3">\n<RESOURCE>\n')
    f.write('<GROUP name="g">\n' * depth + "</GROUP>" * depth + "\n</RESOURCE>\n</VOTABLE>\n")
PYEOF
REALLAMOST="$REAL/lamost-dr1/spec-55862-B6212_sp06-003.fits"
$PY - "$REALLAMOST" <<'PYEOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.index(b"NAXIS1  =")
data[at:at + 80] = b"NAXIS1  =           1000000000".ljust(80)
open("naxis1.fits", "wb").write(bytes(data))
PYEOF
[ "$(stat -c %s bomb.fits.gz)" -lt 5000000 ] || fail "the bomb is not small"
for case in "bomb.fits.gz too_large" "naxis1.fits truncated" "deep.vot nested"; do
  set -- $case
  status=0
  /usr/bin/time -v -o time.txt "$VOCLOUD_BIN" inspect "$1" >out.txt 2>&1 || status=$?
  expect_status 1 "$status" "inspect $1"
  expect_contains out.txt "$2"
  rss=$(awk -F: '/Maximum resident set size/ {print $2 + 0}' time.txt)
  [ "$rss" -lt 600000 ] || fail "inspect $1 peaked at $rss KB"
  echo "inspect $1: $2, peak $rss KB"
done
echo "preprocess_rejects: OK"
