#!/usr/bin/python3
"""pyvo_ssap.py SSAP_URL SPECTRA_DIR

Checks the test DaCHS (tests/services/start_dachs.sh) with an independent
client, pyvo, against astropy readings of the original FITS files:
  * an SSAP cone finds exactly the spectra inside it;
  * the result carries the access reference, the pubDID and a SODA service
    descriptor whose ID input refers to the pubDID column;
  * the access reference downloads the original file byte for byte;
  * the DataLink #links document gives #this for each dataset;
  * the SODA call with LAMBDA_MIN/LAMBDA_MAX, FLUXCALIB and FORMAT returns a
    cut-out whose wavelengths lie inside the requested range and whose
    samples are exactly those of the original file in that range.
"""

import glob
import io
import os
import sys
import urllib.request

import numpy as np
import pyvo
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.io.votable import parse as parse_votable

ssap_url, spectra_dir = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


# Only 127.0.0.1 may be contacted.  pyvo and astropy fetch IVOA vocabularies
# from www.ivoa.net on some calls: route anything non-local to a dead local
# port so such an attempt fails at once (requests/urllib honour no_proxy).
for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
    os.environ[var] = "http://127.0.0.1:9"
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"
urllib.request.install_opener(
    urllib.request.build_opener(urllib.request.ProxyHandler({})))


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as f:
        return f.status, f.headers.get("Content-Type", ""), f.read()


# ---- reference: the original files read by astropy --------------------------
originals = {}
for path in sorted(glob.glob(os.path.join(spectra_dir, "*.fits"))):
    with fits.open(path) as hdus:
        hdr, tab = hdus[1].header, hdus[1].data
        originals[hdr["DS_IDPUB"]] = dict(
            path=path, ra=hdr["RA"], dec=hdr["DEC"],
            wave=np.array(tab["spectral"], dtype=float),
            flux=np.array(tab["flux"], dtype=float))
check(len(originals) == 25, "25 original spectra read (%d)" % len(originals))

# ---- SSAP cone ----------------------------------------------------------------
# SSAP defines SIZE as a diameter, DaCHS 2.7 uses it as a radius; the cones
# below are chosen so that both readings select the same spectra.
svc = pyvo.dal.SSAService(ssap_url)
cones = [((75.3, 43.5), 1.4), ((75.3, 43.5), 0.3), ((120.0, -2.9), 1.0),
         ((0.0, -80.0), 1.0)]
result = None
for (ra, dec), size in cones:
    centre = SkyCoord(ra * u.deg, dec * u.deg)
    sep = {pid: centre.separation(SkyCoord(o["ra"] * u.deg,
                                           o["dec"] * u.deg)).deg
           for pid, o in originals.items()}
    as_diameter = {p for p, d in sep.items() if d <= size / 2}
    as_radius = {p for p, d in sep.items() if d <= size}
    assert as_diameter == as_radius, "cone geometry must not be ambiguous"
    res = svc.search(pos=centre, diameter=size * u.deg)
    found = {str(r["ssa_pubDID"]) for r in res}
    check(found == as_diameter,
          "cone %s,%s SIZE=%s finds %d spectra (expected %d: %s)"
          % (ra, dec, size, len(found), len(as_diameter),
             " ".join(sorted(p.rsplit("/", 1)[1] for p in as_diameter))))
    if (ra, dec, size) == (75.3, 43.5, 1.4):
        result = res
check(result is not None and len(result) == 4, "main cone has 4 rows")

everything = svc.search()
check(len(everything) == 25, "query without POS finds all 25 (%d)"
      % len(everything))

# ---- response structure ---------------------------------------------------------
votable = result.votable
table = votable.get_first_table()
fields = {f.ID or f.name: f for f in table.fields}
acc = [f for f in table.fields if f.utype == "ssa:Access.Reference"]
check(len(acc) == 1 and acc[0].name == "accref",
      "one FIELD with utype ssa:Access.Reference, named accref")
check("ssa_pubDID" in fields and
      fields["ssa_pubDID"].utype == "ssa:Curation.PublisherDID",
      "FIELD ssa_pubDID has utype ssa:Curation.PublisherDID")

soda = None
for res in result.iter_adhocservices():
    params = {p.name: p.value for p in res.params}
    if str(params.get("standardID", "")).startswith(
            "ivo://ivoa.net/std/SODA#sync"):
        soda = res
check(soda is not None, "SODA sync service descriptor present")
inputs = {p.name: p for g in soda.groups if g.name == "inputParams"
          for p in g.entries}
check(set(inputs) >= {"ID", "LAMBDA_MIN", "LAMBDA_MAX", "FLUXCALIB",
                      "FORMAT"},
      "descriptor inputs: %s" % " ".join(sorted(inputs)))
check(inputs["ID"].ref == "ssa_pubDID", "ID input refers to ssa_pubDID")
calibs = {o[1] for o in inputs["FLUXCALIB"].values.options}
check("normalized" in calibs, "FLUXCALIB offers normalized (%s)"
      % " ".join(sorted(calibs)))

# ---- access reference -------------------------------------------------------------
rec = result[0]
pubdid = str(rec["ssa_pubDID"])
status, ctype, body = fetch(rec.getdataurl())
with open(originals[pubdid]["path"], "rb") as f:
    check(status == 200 and body == f.read(),
          "accref %s returns the original file (%s)"
          % (rec.getdataurl(), ctype))

# ---- DataLink #links ------------------------------------------------------------------
n_links = 0
for dl in result.iter_datalinks():
    # (not dl.bysemantics: it downloads the semantics vocabulary)
    this = [r for r in dl if r["semantics"] == "#this"]
    n_links += 1
    check(len(this) == 1 and this[0]["access_url"].endswith(".fits")
          and not this[0]["error_message"],
          "datalink #this for %s: %s" % (this[0]["ID"],
                                          this[0]["access_url"]))
check(n_links == len(result), "one links document per row")

# ---- SODA cut-out ----------------------------------------------------------------------
# The call is built the way a client reads the descriptor: accessURL, plus
# every inputParam with a ref= filled from the row's FIELD of that ID.
# (pyvo 1.2's DatalinkQuery.from_resource cannot: it trips over inputParams
# with an empty non-string value, as LAMBDA_MIN has here and in Ondrejov's
# own descriptor.)
access_url = {p.name: p.value for p in soda.params}["accessURL"]


def soda_query(row, **params):
    for p in inputs.values():
        if p.ref:
            params[p.name] = str(row[p.ref])
    return pyvo.dal.adhoc.DatalinkQuery(access_url, **params)


lo, hi = 6.50e-7, 6.60e-7            # metres, like LAMBDA_MIN/LAMBDA_MAX
for fmt in ("application/fits", "application/x-votable+xml"):
    for row in result:
        pubdid = str(row["ssa_pubDID"])
        query = soda_query(row, LAMBDA_MIN=lo, LAMBDA_MAX=hi,
                           FLUXCALIB="normalized", FORMAT=fmt)
        raw = query.execute_stream().read()
        if fmt == "application/fits":
            with fits.open(io.BytesIO(raw)) as hdus:
                wave = np.array(hdus[1].data["spectral"], dtype=float)
                flux = np.array(hdus[1].data["flux"], dtype=float)
                calib = hdus[1].header.get("FLUX_CAL")
        else:
            t = parse_votable(io.BytesIO(raw)).get_first_table()
            wave = np.array(t.array["spectral"], dtype=float)
            flux = np.array(t.array["flux"], dtype=float)
            calib = t.get_field_by_id_or_name("ssa_fluxcalib").value \
                if any(p.name == "ssa_fluxcalib" for p in t.params) else None
        orig = originals[pubdid]
        inside = (orig["wave"] >= lo * 1e10) & (orig["wave"] <= hi * 1e10)
        name = "%s %s" % (pubdid.rsplit("/", 1)[1], fmt)
        check(len(wave) > 0 and wave.min() >= lo * 1e10
              and wave.max() <= hi * 1e10,
              "%s: %d samples within [%g, %g] m" % (name, len(wave), lo, hi))
        check(len(wave) == inside.sum()
              and np.allclose(wave, orig["wave"][inside], rtol=0, atol=1e-9)
              and np.allclose(flux, orig["flux"][inside], rtol=1e-12),
              "%s: equals the original's samples in range" % name)
        check(str(calib).upper() == "NORMALIZED",
              "%s: flux calibration NORMALIZED (%s)" % (name, calib))

# relative calibration: maximum 1
query = soda_query(result[0], FLUXCALIB="relative", FORMAT="application/fits")
with fits.open(io.BytesIO(query.execute_stream().read())) as hdus:
    peak = float(np.max(np.abs(hdus[1].data["flux"])))
    check(abs(peak - 1) < 1e-12 and len(hdus[1].data) == len(
        originals[str(result[0]["ssa_pubDID"])]["wave"]),
        "FLUXCALIB=relative: full spectrum with max |flux| = 1")

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("all pyvo/SSAP/DataLink checks passed")
