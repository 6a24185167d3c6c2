<?xml version="1.0" encoding="utf-8"?>
<!-- vocloud test fixture: an SSAP + DataLink/SODA service over the 25 real
  Ondrejov CCD700 spectra in shared/data/real/ondrejov/vo-table.

  start_dachs.sh copies this file to <rootDir>/inputs/ccd700/q.rd and the
  spectra to <rootDir>/inputs/ccd700/data/, so the RD id is ccd700/q and the
  endpoints mirror the real archive (voarchive.asu.cas.cz/ccd700/q/...):

    SSAP queryData   /ccd700/q/ssa/ssap.xml?REQUEST=queryData&POS=ra,dec&SIZE=deg
    SODA (dlget)     /ccd700/q/sdl/dlget?ID=<pubDID>&LAMBDA_MIN=..&LAMBDA_MAX=..
                                      &FLUXCALIB=normalized&FORMAT=application/fits
    DataLink links   /ccd700/q/sdl/dlmeta?ID=<pubDID>

  The pubDIDs are the archive's own (FITS keyword DS_IDPUB,
  ivo://asu.cas.cz/stel/ccd700/<file id>), so they match ondrejov/labels.csv.
-->
<resource schema="ccd700">
  <meta name="title">Ondrejov CCD700 spectra (vocloud test fixture)</meta>
  <meta name="creationDate">2024-01-01T00:00:00Z</meta>
  <meta name="description">
    Twenty-five H-alpha spectra (6255-6767 Angstrom, air wavelengths,
    continuum-normalised flux) of the Ondrejov 2 m telescope CCD700
    spectrograph, republished locally for the vocloud data-manager tests.
  </meta>
  <meta name="subject">spectroscopy</meta>
  <meta name="creator.name">Astronomical Institute of the Czech Academy of Sciences, Ondrejov</meta>
  <meta name="instrument">Ondrejov 2m Perek telescope, CCD700 coude spectrograph</meta>
  <meta name="facility">Ondrejov Observatory</meta>
  <meta name="source">Ondrejov CCD700 archive via SSAP/DataLink</meta>
  <meta name="contentLevel">Research</meta>
  <meta name="type">Archive</meta>
  <meta name="coverage.waveband">Optical</meta>

  <!-- the SSA table: one row per spectrum -->
  <table id="data" onDisk="True" adql="True" primary="accref">
    <meta name="description">CCD700 spectra with SSA metadata</meta>
    <meta name="_associatedDatalinkService">
      <meta name="serviceId">sdl</meta>
      <meta name="idColumn">ssa_pubDID</meta>
    </meta>
    <mixin
      fluxCalibration="UNCALIBRATED"
      spectralCalibration="ABSOLUTE"
      spectralUnit="Angstrom"
      fluxUnit=" "
      fluxUCD="phot.flux.density"
      spectralUCD="em.wl"
      publisher="ivo://asu.cas.cz/org"
      instrument="CCD700"
      creationType="archival"
      datasource="pointed"
      collection="ivo://asu.cas.cz/stel/ccd700"
      >//ssap#hcd</mixin>
    <column name="fits_title" type="text" tablehead="Archive path"
      description="Path of the spectrum in the Ondrejov archive (FITS TITLE)"
      verbLevel="25"/>
  </table>

  <data id="import">
    <sources pattern="data/*.fits" recurse="False"/>
    <!-- the keywords sit in the header of HDU 1 (the BINTABLE) -->
    <fitsProdGrammar hdu="1" qnd="False">
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.data"</bind>
        <bind key="mime">"application/fits"</bind>
      </rowfilter>
    </fitsProdGrammar>

    <make table="data">
      <rowmaker idmaps="*">
        <apply procDef="//ssap#setMeta">
          <bind key="dstitle">@TITLE</bind>
          <bind key="pubDID">@DS_IDPUB</bind>
          <bind key="cdate">@DATE</bind>
          <bind key="bandpass">@SPECBAND.strip()</bind>
          <bind key="targname">@OBJECT</bind>
          <bind key="targclass">@SRCCLASS.strip()</bind>
          <bind key="alpha">@RA</bind>
          <bind key="delta">@DEC</bind>
          <bind key="aperture">@APERTURE</bind>
          <bind key="dateObs">@TMID</bind>
          <bind key="timeExt">@TELAPSE</bind>
          <bind key="specstart">@TDMIN1</bind>
          <bind key="specend">@TDMAX1</bind>
          <bind key="length">@NAXIS2</bind>
        </apply>
        <!-- the file states its band centre and width itself -->
        <map key="ssa_specmid">float(@SPEC_VAL)</map>
        <map key="ssa_specext">float(@SPEC_BW)</map>
        <map key="ssa_targetpos">pgsphere.SPoint.fromDegrees(
          float(@RA), float(@DEC))</map>
        <map key="fits_title">@TITLE</map>
      </rowmaker>
    </make>
  </data>

  <!-- the spectrum itself as an SDM table, built from an SSA row;
    used by the SODA data functions below -->
  <table id="spectrum" onDisk="False">
    <mixin ssaTable="data"
      spectralDescription="Air wavelength"
      fluxDescription="Continuum-normalised flux"
      >//ssap#sdm-instance</mixin>
  </table>

  <data id="build_spectrum" auto="False">
    <embeddedGrammar>
      <iterator>
        <code>
          import os
          from gavo.utils import pyfits
          path = os.path.join(base.getConfig("inputsDir"),
            self.sourceToken["accref"])
          with pyfits.open(path) as hdus:
            tab = hdus[1].data
            for wl, fl in zip(tab["spectral"], tab["flux"]):
              yield {"spectral": float(wl), "flux": float(fl)}
        </code>
      </iterator>
    </embeddedGrammar>
    <make table="spectrum">
      <parmaker>
        <apply procDef="//ssap#feedSSAToSDM"/>
      </parmaker>
    </make>
  </data>

  <!-- DataLink + SODA: ID (the pubDID), LAMBDA_MIN/LAMBDA_MAX (metres, like
    the Ondrejov archive), FLUXCALIB, FORMAT.  No SODA BAND: the Ondrejov
    descriptor has none, and its empty 2-element PARAM trips pyvo 1.2. -->
  <service id="sdl" allowed="dlget,dlmeta">
    <meta name="title">Ondrejov CCD700 spectra: DataLink and cut-outs</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#sdm_genDesc">
        <bind key="ssaTD">"\rdId#data"</bind>
        <!-- pubDIDs are the archive's, not DaCHS-standard ones -->
        <bind key="useAccref">False</bind>
      </descriptorGenerator>

      <dataFunction procDef="//soda#sdm_genData">
        <bind key="builder">"\rdId#build_spectrum"</bind>
      </dataFunction>
      <dataFunction>
        <code>
          # DaCHS 2.7: sdm_genData turns spoint params into [ra, dec] lists,
          # but its FITS header writer expects ssa_targetpos as an SPoint.
          # RA/DEC still come from ssa_location.
          if args.get("FORMAT")=="application/fits":
            descriptor.data.getPrimaryTable().setParam("ssa_targetpos", None)
        </code>
      </dataFunction>

      <metaMaker>
        <code>
          for name, ucd, what in [
              ("LAMBDA_MIN", "par.min;em.wl", "lower"),
              ("LAMBDA_MAX", "par.max;em.wl", "upper")]:
            yield MS(InputKey, name=name, type="double precision",
              unit="m", ucd=ucd, multiplicity="single",
              description="Spectral cutout interval, %s limit"%what,
              values=MS(Values,
                min=descriptor.limits["ssa_specstart"].min,
                max=descriptor.limits["ssa_specend"].max))
        </code>
      </metaMaker>
      <dataFunction>
        <code>
          low, high = args.get("LAMBDA_MIN"), args.get("LAMBDA_MAX")
          if low is None and high is None:
            return
          from gavo.protocols import sdm
          table = descriptor.data.getPrimaryTable()
          sdm.mangle_cutout(table,
            -1 if low is None else low, 1e308 if high is None else high)
          table.setParam("ssa_length", len(table.rows))
        </code>
      </dataFunction>

      <metaMaker>
        <code>
          yield MS(InputKey, name="FLUXCALIB", type="text",
            multiplicity="forced-single", ucd="phot.calib",
            utype="ssa:Char.FluxAxis.Calibration",
            description="Recalibrate the spectrum: 'normalized' (the"
              " precomputed continuum normalisation; these spectra are"
              " stored normalised), 'relative' (max(flux)=1),"
              " 'UNCALIBRATED' (as stored).",
            values=MS(Values, options=[MS(Option, content_=v)
              for v in ("normalized", "relative", "UNCALIBRATED")]))
        </code>
      </metaMaker>
      <dataFunction>
        <code>
          calib = args.get("FLUXCALIB")
          if not calib:
            return
          table = descriptor.data.getPrimaryTable()
          if calib=="relative" and table.rows:
            peak = max(abs(r["flux"]) for r in table.rows) or 1.
            for r in table.rows:
              r["flux"] = r["flux"]/peak
            table.setParam("ssa_fluxcalib", "RELATIVE")
          elif calib=="normalized":
            table.setParam("ssa_fluxcalib", "NORMALIZED")
        </code>
      </dataFunction>

      <FEED source="//soda#sdm_format"/>
    </datalinkCore>
  </service>

  <!-- SSAP 1.04 -->
  <service id="ssa" allowed="ssap.xml,form">
    <meta name="title">Ondrejov CCD700 spectra (SSAP)</meta>
    <meta name="shortName">ccd700 ssa</meta>
    <meta name="ssap.dataSource">pointed</meta>
    <meta name="ssap.creationType">archival</meta>
    <meta name="ssap.testQuery">MAXREC=1</meta>
    <ssapCore queriedTable="data">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>
</resource>
