// Every key of an experiment YAML. Each concern's section is declared in its own function;
// later stages add theirs here. docs/config.md is generated from this schema.
#include "config/schema.hpp"

#include <limits>

namespace vocloud::config {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

KeySpec keyInt(std::string path, std::string def, double min, double max, std::string doc) {
  KeySpec k;
  k.path = std::move(path);
  k.type = Type::Int;
  k.defaultYaml = std::move(def);
  k.min = min;
  k.max = max;
  k.doc = std::move(doc);
  return k;
}

KeySpec keyFloat(std::string path, std::string def, double min, double max, std::string doc) {
  KeySpec k = keyInt(std::move(path), std::move(def), min, max, std::move(doc));
  k.type = Type::Float;
  return k;
}

KeySpec keyString(std::string path, std::string def, std::string doc) {
  KeySpec k;
  k.path = std::move(path);
  k.type = Type::String;
  k.defaultYaml = std::move(def);
  k.doc = std::move(doc);
  return k;
}

KeySpec keyMap(std::string path, std::string doc) {
  KeySpec k = keyString(std::move(path), "{}", std::move(doc));
  k.type = Type::StringMap;
  return k;
}

// A String key naming a file or directory (resolved from the experiment file's folder).
KeySpec keyPath(std::string path, std::string def, std::string doc) {
  KeySpec k = keyString(std::move(path), std::move(def), std::move(doc));
  k.isPath = true;
  return k;
}

KeySpec keyEnum(std::string path, std::string def, std::vector<std::string> allowed,
                std::string doc, Type type = Type::Enum) {
  KeySpec k;
  k.path = std::move(path);
  k.type = type;
  k.defaultYaml = std::move(def);
  k.allowed = std::move(allowed);
  k.doc = std::move(doc);
  return k;
}

void addGeneral(Schema& s) {
  s.section("", "Top level: what the experiment is called, where it writes, which stages run.");
  s.key(keyString("experiment", "",
                  "Name of the experiment; outputs go to <output>/<experiment>/ (required)"));
  s.key(keyPath("output", "output", "Output root directory"));
  s.key(keyEnum("stages", "[synth]",
                {"synth", "acquire", "preprocess", "som", "forest", "predict", "report"},
                "Stages that `vocloud run` executes, in this order", Type::EnumList));
  s.section("read",
            "How spectrum files are read (acquire, preprocess, report): bounds on compressed "
            "content.");
  s.key(keyFloat("read.max_inflate_ratio", "50", 1, 1100,
                 "gzip or unix-compress content may inflate to at most this many times its "
                 "compressed size (at least 16 MiB): a bomb is rejected as too_large instead of "
                 "filling memory; real spectra inflate 2-5 times"));
  s.key(keyInt("read.max_inflated_bytes", "2147483648", 1024, 1e15,
               "Whatever the ratio, compressed content never inflates past this many bytes"));
  s.section("log", "Logging and progress reporting.");
  s.key(keyEnum("log.level", "info", {"debug", "info", "warn", "error", "quiet"},
                "Lowest level of message printed"));
  s.key({"log.all_ranks",
         Type::Bool,
         "false",
         -kInf,
         kInf,
         {},
         "Print messages from every rank, not only rank 0"});
  s.key(keyFloat("log.progress_interval", "10", 0.1, 3600,
                 "Seconds between progress lines when stderr is not a terminal (Slurm logs)"));
}

void addSynth(Schema& s) {
  s.section("synth", "Synthetic labelled base of knowledge in the real survey FITS layouts.");
  s.key(keyInt("synth.count", "20000", 100, 1e10, "Number of spectra to generate"));
  s.key(keyInt("synth.seed", "42", 0, 9.2e18,
               "Random seed; the same seed gives byte-identical files for any number of ranks"));
  s.key(keyFloat("synth.snr_min", "10", 1, 1e4, "Lowest continuum signal-to-noise per pixel"));
  s.key(keyFloat("synth.snr_max", "100", 1, 1e4,
                 "Highest continuum signal-to-noise per pixel (drawn log-uniform between)"));
  s.key(keyFloat("synth.rv_sigma", "30", 0, 3000,
                 "Standard deviation of the radial velocity shift, km/s"));
  s.key(keyFloat("synth.masked_fraction", "0.002", 0, 0.5,
                 "Fraction of pixels flagged bad (ivar 0 and a mask bit)"));
  s.key(keyFloat("synth.outlier_fraction", "0.005", 0, 1,
                 "Fraction of spectra that are rare outliers (marked in outlier_kind)"));
  s.key(keyInt("synth.files_per_directory", "1000", 10, 1e7,
               "Spectrum files per subdirectory of bok/files/"));
  s.key(keyInt("synth.catalog_batch", "2048", 1, 1e7,
               "Rows each rank generates per round before the collective catalog write "
               "(memory bound; the output is identical for any value)"));
  s.section("synth.layouts", "Relative proportions of the survey file layouts.");
  s.key(keyFloat("synth.layouts.sdss", "0.2", 0, kInf, "SDSS/BOSS spec file (COADD + SPECOBJ)"));
  s.key(keyFloat("synth.layouts.lamost_dr1", "0", 0, kInf,
                 "LAMOST DR1 5xN image (Flux Inverse Subcontinuum Andmask Ormask)"));
  s.key(keyFloat("synth.layouts.lamost_dr2", "0.2", 0, kInf,
                 "LAMOST DR2-7 5xN image with a wavelength row"));
  s.key(keyFloat("synth.layouts.lamost_dr8", "0.2", 0, kInf,
                 "LAMOST DR8+ empty primary + COADD one-row table"));
  s.key(keyFloat("synth.layouts.ondrejov_raw", "0.2", 0, kInf,
                 "Ondrejov CCD700 raw 1-D image with linear WCS"));
  s.key(keyFloat("synth.layouts.ondrejov_ssap", "0.2", 0, kInf,
                 "Ondrejov SSAP/DataLink BINTABLE (spectral, flux)"));
  s.section("synth.classes", "Relative proportions of the H-alpha profile classes.");
  s.key(keyFloat("synth.classes.absorption", "0.46", 0, kInf, "H-alpha in absorption"));
  s.key(keyFloat("synth.classes.emission", "0.40", 0, kInf, "H-alpha single-peaked emission"));
  s.key(keyFloat("synth.classes.double_peak", "0.14", 0, kInf, "H-alpha double-peaked emission"));
  s.section("synth.outliers", "Relative proportions of the outlier kinds.");
  s.key(keyFloat("synth.outliers.p_cygni", "0.25", 0, kInf, "P Cygni profile"));
  s.key(keyFloat("synth.outliers.flat", "0.25", 0, kInf, "Flat or garbage spectrum"));
  s.key(keyFloat("synth.outliers.cosmic", "0.25", 0, kInf, "Strong cosmic-ray spikes"));
  s.key(
      keyFloat("synth.outliers.bad_calibration", "0.25", 0, kInf, "Wrong wavelength calibration"));
}

KeySpec keyBool(std::string path, std::string def, std::string doc) {
  KeySpec k;
  k.path = std::move(path);
  k.type = Type::Bool;
  k.defaultYaml = std::move(def);
  k.doc = std::move(doc);
  return k;
}

KeySpec keyList(std::string path, Type type, std::string def, std::string doc) {
  KeySpec k;
  k.path = std::move(path);
  k.type = type;
  k.defaultYaml = std::move(def);
  k.doc = std::move(doc);
  return k;
}

void addAcquire(Schema& s) {
  s.section(
      "acquire",
      "Data manager: builds a base of knowledge from disk, URLs, VOTable lists and SSAP services.");
  s.key(keyList("acquire.sources", Type::ObjectList, "[]",
                "Sources of spectra, any mix of kinds (see acquire.sources[] keys)"));
  s.key(keyInt("acquire.parallel_transfers", "4", 1, 256, "Simultaneous HTTP transfers per rank"));
  s.key(keyFloat("acquire.connect_timeout", "15", 0.1, 3600, "Seconds to wait for a connection"));
  s.key(keyFloat("acquire.read_timeout", "60", 1, 86400,
                 "Abort a transfer that receives less than min_speed bytes/s over this many "
                 "seconds"));
  s.key(keyFloat("acquire.min_speed", "1024", 1, 1e12,
                 "Bytes per second a transfer must average over read_timeout (a drip is aborted)"));
  s.key(keyFloat("acquire.transfer_timeout", "3600", 1, 604800,
                 "Seconds one attempt of one transfer (a file, an SSAP response) may take in all"));
  s.key(keyInt("acquire.max_response_bytes", "268435456", 1024, 1e15,
               "Largest SSAP response, VOTable list or index page held in memory; a larger "
               "one is an error as soon as its bytes pass it"));
  s.key(keyInt("acquire.retries", "3", 0, 100,
               "Retries of a failed transfer (connection errors, timeouts, HTTP 5xx/408/429)"));
  s.key(keyFloat("acquire.retry_backoff", "1", 0, 3600,
                 "Seconds before the first retry; doubled for each further retry"));
  s.key(keyInt("acquire.max_bytes", "0", 0, 1e18,
               "Bytes all downloads of a run may write, checked as they arrive; each of N "
               "ranks gets max_bytes/N (0 = no limit)"));
  s.key(keyPath("acquire.credentials", "\"\"",
                "netrc-format file (machine HOST login USER password PASS) for HTTP Basic auth; "
                "must exist when given"));
  s.section("acquire.sources[]", "One source of spectra; `kind` says which keys apply.");
  s.key(keyEnum("acquire.sources[].kind", "", {"local", "http", "votable", "ssap"},
                "local: files on disk; http: URLs; votable: a VOTable list of spectra; ssap: an "
                "SSAP service"));
  s.key(keyPath("acquire.sources[].path", "\"\"",
                "local: a directory, file or glob; votable: a VOTable file on disk"));
  s.key(keyString("acquire.sources[].pattern", "\"*\"",
                  "local: file-name glob inside directories; http follow_index: link filter"));
  s.key(keyBool("acquire.sources[].recursive", "true", "local: descend into subdirectories"));
  s.key(
      keyEnum("acquire.sources[].mode", "copy", {"copy", "link", "symlink"},
              "local: copy the files, hard-link them (copy across file systems) or symlink them"));
  s.key(keyString("acquire.sources[].url", "\"\"",
                  "http: one URL; votable: the VOTable's URL; ssap: the service's base URL"));
  s.key(keyList("acquire.sources[].urls", Type::StringList, "[]", "http: URLs of spectra"));
  s.key(keyPath(
      "acquire.sources[].url_file", "\"\"",
      "http: file with one URL per line, optionally followed by the size in bytes and the sha256"));
  s.key(
      keyBool("acquire.sources[].follow_index", "false",
              "http: the URLs are HTML index pages; download the files they link to (one level)"));
  s.key(keyString(
      "acquire.sources[].access_column", "\"\"",
      "votable/ssap: column with the spectrum URL (default: utype ssa:Access.Reference)"));
  s.key(keyString(
      "acquire.sources[].id_column", "\"\"",
      "votable/ssap: column with the spectrum id (default: the publisher DID, else the URL)"));
  s.key(keyString("acquire.sources[].label_column", "\"\"",
                  "votable/ssap: column whose value becomes the label"));
  s.key(keyString("acquire.sources[].label", "\"\"", "any kind: a fixed label for every spectrum"));
  s.key(keyBool("acquire.sources[].label_folder", "false",
                "local: the label is the name of the folder the file sits in"));
  s.key(keyString("acquire.sources[].label_header", "\"\"",
                  "any kind: the label is this FITS header keyword (e.g. SUBCLASS, CLASS)"));
  s.key(keyPath("acquire.sources[].labels_file", "\"\"",
                "any kind: CSV or VOTable of labels joined on the catalog id"));
  s.key(keyString("acquire.sources[].labels_id_column", "id", "labels_file: its id column"));
  s.key(
      keyString("acquire.sources[].labels_label_column", "label", "labels_file: its label column"));
  s.key(keyString("acquire.sources[].label_regex", "\"\"",
                  "any label source: keep group 1 (else the match) of this regular expression "
                  "(no match: unlabelled)"));
  s.key(keyEnum("acquire.sources[].label_transform", "none",
                {"none", "first_letter", "upper", "lower"},
                "any label source: applied after label_regex, before label_map"));
  s.key(keyMap("acquire.sources[].label_map",
               "any label source: VALUE: LABEL, 'unlabelled' (kept, no label) or 'exclude' "
               "(left out, listed in catalog_rejects.csv); '*' for any other value"));
  s.key(keyString("acquire.sources[].pos", "\"\"", "ssap: POS, \"ra,dec\" in degrees (ICRS)"));
  s.key(keyFloat("acquire.sources[].size", "0", 0, 180,
                 "ssap: SIZE, diameter in degrees (0: not sent)"));
  s.key(keyString("acquire.sources[].band", "\"\"", "ssap: BAND, e.g. 6.5e-7/6.6e-7 (metres)"));
  s.key(keyString("acquire.sources[].time", "\"\"", "ssap: TIME, ISO 8601 interval"));
  s.key(keyString("acquire.sources[].format", "\"\"", "ssap: FORMAT, e.g. application/fits"));
  s.key(keyInt("acquire.sources[].maxrec", "0", 0, 1e9, "ssap: MAXREC (0: not sent)"));
  s.key(keyString("acquire.sources[].target_name", "\"\"", "ssap: TARGETNAME"));
  s.key(keyList("acquire.sources[].params", Type::StringList, "[]",
                "ssap: further service-specific query parameters, KEY=VALUE"));
  s.key(keyBool("acquire.sources[].datalink", "false",
                "ssap/votable: download through the response's DataLink service descriptor"));
  s.key(keyList("acquire.sources[].datalink_params", Type::StringList, "[]",
                "ssap/votable: processing parameters for the DataLink service, KEY=VALUE "
                "(e.g. FLUXCALIB=normalized, LAMBDA_MIN=6.5e-7)"));
}

void addPreprocess(Schema& s) {
  s.section("preprocess",
            "Collective preprocessing of a base of knowledge into one parallel HDF5 data set.");
  s.key(keyEnum("preprocess.input", "synth", {"synth", "acquire", "directory"},
                "Which base of knowledge: the synth or acquire stage's, or bok_dir"));
  s.key(keyPath("preprocess.bok_dir", "\"\"",
                "input: directory - a BoK directory (catalog.csv with id, path, ... columns)"));
  s.key(keyEnum("preprocess.input_check", "stat", {"stat", "content"},
                "How the files the catalog names count for reuse: size and modification time, "
                "or a hash of their content (reads every file; a touched file is no change)"));
  s.key(keyEnum("preprocess.frame", "vacuum", {"vacuum", "air", "as_is"},
                "Convert every wavelength to this frame (as_is: no conversion)"));
  s.key(keyBool("preprocess.rest_frame", "false",
                "Shift to the rest frame by the catalog's (else the file's) redshift when known"));
  s.key(keyFloat("preprocess.lambda_min", "6300", 100, 1e6,
                 "Lower end of the common grid, Angstrom"));
  s.key(keyFloat("preprocess.lambda_max", "6700", 100, 1e6,
                 "Upper end of the common grid, Angstrom"));
  s.key(keyEnum("preprocess.grid", "linear", {"linear", "log"},
                "Grid spacing: linear in Angstrom or logarithmic (constant velocity step)"));
  s.key(keyInt("preprocess.points", "800", 0, 1e6, "Number of grid points (0: use step instead)"));
  s.key(keyFloat("preprocess.step", "0", 0, 1e4,
                 "Grid step when points is 0: Angstrom (linear) or dex (log)"));
  s.key(keyEnum("preprocess.resample", "rebin", {"rebin", "interpolate"},
                "rebin: flux-conserving; interpolate: linear interpolation"));
  s.key(keyEnum("preprocess.normalise", "continuum",
                {"none", "continuum", "running_median", "max", "l2", "zscore", "minmax"},
                "Normalisation of each spectrum"));
  s.key(keyInt("preprocess.polynomial_order", "3", 0, 20, "continuum: order of the polynomial"));
  s.key(keyFloat("preprocess.clip_low", "1.5", 0.1, 100,
                 "continuum: reject points this many sigma below"));
  s.key(keyFloat("preprocess.clip_high", "3", 0.1, 100,
                 "continuum: reject points this many sigma above"));
  s.key(keyInt("preprocess.iterations", "5", 1, 100, "continuum: sigma-clipping iterations"));
  s.key(keyInt("preprocess.median_window", "101", 3, 100001, "running_median: window in pixels"));
  s.key(keyFloat("preprocess.smooth_sigma", "0", 0, 1000,
                 "Gaussian smoothing sigma in pixels (0: none)"));
  s.key(keyFloat("preprocess.min_coverage", "0.9", 0, 1,
                 "Reject spectra covering less than this fraction of the grid with good pixels"));
  s.key(
      keyFloat("preprocess.min_snr", "0", 0, 1e6, "Reject spectra with a lower S/N (0: keep all)"));
  s.key(keyInt("preprocess.round_rows", "4096", 1, 1e8,
               "Spectra per collective write round (all ranks together); bounds memory per rank"));
  s.key(keyInt("preprocess.pca_components", "10", 0, 1000,
               "Principal components computed collectively (0: no PCA)"));
  s.key(keyEnum("preprocess.wavelet", "none", {"none", "haar", "d4"},
                "Discrete wavelet transform features (d4: Daubechies 4-tap, pywt's db2)"));
  s.key(keyInt("preprocess.wavelet_levels", "3", 1, 20, "Wavelet decomposition levels"));
  s.key(keyInt("preprocess.wavelet_detail_levels", "0", 0, 20,
               "Detail levels kept beside the approximation (coarsest first)"));
  s.key(keyBool("preprocess.export_csv", "false",
                "Also write dataset.csv: one row per spectrum (id, label, metadata, values)"));
  s.key(keyBool("preprocess.export_votable", "false", "Also write dataset.vot (TABLEDATA)"));
}

/// The keys of a learning stage that reads a data set: which one, and which values of it.
void addDatasetInput(Schema& s, std::string const& section, std::string const& featuresDoc) {
  s.key(keyEnum(section + ".input", "preprocess", {"preprocess", "file"},
                "Which data set: the preprocess stage's dataset.h5, or dataset_file"));
  s.key(keyPath(section + ".dataset_file", "\"\"", "input: file - path of a vocloud dataset.h5"));
  s.key(keyEnum(section + ".features", "flux", {"flux", "pca", "wavelet"},
                featuresDoc + ": /flux, /features/pca or /features/wavelet"));
}

void addSom(Schema& s) {
  s.section(
      "som",
      "Distributed self-organising map of the preprocessed data set: map, U-matrix, outliers.");
  addDatasetInput(s, "som", "What each spectrum is on the map");
  s.key(keyInt("som.rows", "20", 1, 10000, "Map rows (nodes along y)"));
  s.key(keyInt("som.cols", "20", 1, 10000, "Map columns (nodes along x)"));
  s.key(keyEnum("som.grid", "rectangular", {"rectangular", "hexagonal"},
                "Lattice: 4 neighbours per node, or 6 (odd rows shifted by half a node)"));
  s.key(keyEnum("som.topology", "planar", {"planar", "toroidal"},
                "toroidal: the map wraps at its edges (hexagonal needs an even number of rows)"));
  s.key(keyEnum("som.method", "batch", {"batch", "online"},
                "batch: distributed epochs; online: row-by-row updates, small data on 1 rank"));
  s.key(keyEnum("som.neighbourhood", "gaussian",
                {"gaussian", "bubble", "cut_gaussian", "mexican_hat"},
                "Neighbourhood function of the map distance"));
  s.key(keyEnum("som.cooling", "linear", {"linear", "exponential"},
                "How radius (and online scale) go from their start to their end value"));
  s.key(keyFloat(
      "som.radius0", "0", 0, 1e6,
      "Neighbourhood radius of the first epoch in node spacings (0: half the longer side)"));
  s.key(keyFloat("som.radiusN", "1", 0, 1e6, "Neighbourhood radius of the last epoch"));
  s.key(keyFloat("som.scale0", "0.1", 0, 1, "online: learning rate of the first epoch"));
  s.key(keyFloat("som.scaleN", "0.01", 0, 1, "online: learning rate of the last epoch"));
  s.key(keyInt("som.epochs", "10", 1, 100000, "Training epochs"));
  s.key(keyEnum("som.init", "random", {"random", "pca"},
                "Initial codebook: random within the data range, or along the first two principal "
                "components"));
  s.key(keyInt("som.seed", "1", 0, 9.2e18,
               "Seed of the random initialisation (and online row order)"));
  s.key(keyInt("som.checkpoint_every", "1", 0, 100000,
               "Write checkpoint.h5 every this many epochs, for --resume (0: never)"));
  s.key(keyInt("som.outlier_list", "1000", 0, 1e7, "Length of the ranked outlier list"));
  s.key(keyInt("som.outlier_bins", "1024", 16, 1e6,
               "Log-spaced histogram bins of BMU distances per node (outlier medians)"));
  s.key(keyInt("som.outlier_min_node_rows", "8", 1, 1e6,
               "Rows a node needs for its own median distance to scale its rows' outlier scores"));
  s.key(
      keyInt("som.outlier_neighbours", "19", 0, 1e6,
             "Nearest nodes whose differences span the map's local surface for the outlier score"));
  s.key(keyFloat("som.outlier_mass", "0.01", 0, 1,
                 "Rows, as a fraction of all, in the neighbourhood of the density factor: smaller "
                 "groups of alike spectra can stand out (at least 1 row)"));
  s.key(keyFloat("som.sparse_fraction", "0.1", 0, 1,
                 "Nodes hit by fewer rows than this fraction of the mean are sparse"));
  s.key(keyBool("som.somoclu_files", "true",
                "Also write somoclu's som.wts, som.bm and som.umx text files"));
}

void addForest(Schema& s) {
  s.section("forest", "Distributed random forest with stratified k-fold cross-validation.");
  addDatasetInput(s, "forest", "What the trees split on");
  s.key(keyInt("forest.trees", "100", 1, 100000, "Number of trees"));
  s.key(keyString("forest.max_features", "sqrt",
                  "Features tried per split: sqrt, log2, all, a fraction in (0, 1) or a count"));
  s.key(keyInt("forest.max_depth", "0", 0, 1000, "Deepest level of a tree (0: unlimited)"));
  s.key(keyInt("forest.min_samples_leaf", "1", 1, 1e9, "Fewest (bootstrap) samples in a leaf"));
  s.key(keyInt("forest.min_samples_split", "2", 2, 1e9,
               "Fewest (bootstrap) samples a node needs to split"));
  s.key(keyEnum("forest.criterion", "gini", {"gini", "entropy"}, "Impurity of a split"));
  s.key(keyEnum("forest.class_weight", "none", {"none", "balanced"},
                "balanced: weigh classes inversely to their frequency"));
  s.key(keyBool("forest.bootstrap", "true",
                "Poisson bootstrap weights per tree (off: every row once)"));
  s.key(keyFloat("forest.sample_fraction", "1", 0.001, 4, "Mean bootstrap weight of a row"));
  s.key(
      keyInt("forest.bins", "256", 2, 256, "Quantile bins per feature (computed over all ranks)"));
  s.key(keyInt("forest.seed", "1", 0, 9.2e18, "Seed of bootstrap, feature draws and folds"));
  s.key(keyInt("forest.folds", "5", 0, 100, "Stratified cross-validation folds (0: none)"));
  s.key(keyString("forest.group_by", "\"\"",
                  "Keep rows with the same value of this column (dataset /meta or the catalog, "
                  "e.g. object or id) in one fold (\"\": every row on its own)"));
  s.key(keyBool("forest.permutation_importance", "true",
                "Also measure feature importance by OOB permutation (needs bootstrap)"));
}

void addPredict(Schema& s) {
  s.section("predict", "Apply a trained forest to a data set and rank candidates of one class.");
  s.key(keyEnum("predict.input", "preprocess", {"preprocess", "file", "directory"},
                "What to classify: the preprocess stage's data set, dataset_file, or the "
                "spectra in bok_dir (preprocessed with the model's recipe)"));
  s.key(keyPath("predict.dataset_file", "\"\"",
                "input: file - a vocloud dataset.h5 made with the model's preprocess recipe"));
  s.key(keyPath("predict.bok_dir", "\"\"",
                "input: directory - a base of knowledge (catalog.csv) or a folder of spectra"));
  s.key(keyPath("predict.model_file", "\"\"", "A forest.h5 (empty: the forest stage's)"));
  s.key(keyString("predict.class", "\"\"", "The class whose new members are sought (required)"));
  s.key(keyEnum("predict.rows", "all", {"all", "unlabelled"}, "Which rows are candidates"));
  s.key(keyInt("predict.top", "1000", 0, 1e9, "Candidates listed, most probable first (0: all)"));
}

void addReport(Schema& s) {
  s.section("report", "The static HTML report: which spectra it includes (docs/report.md).");
  s.key(keyInt("report.outliers", "1000", 0, 1e9,
               "Ranked SOM outliers listed and included, most outlying first"));
  s.key(keyInt("report.members_per_node", "50", 0, 1e6,
               "Members listed and included per SOM node, the closest to the node first"));
  s.key(keyInt("report.members_per_cell", "200", 0, 1e9,
               "Spectra listed and included per diagonal confusion cell (every misclassified "
               "spectrum is)"));
  s.key(keyInt("report.per_shard", "50", 1, 100000, "Spectra per data/spectra/shard file"));
  s.key(keyInt("report.max_rejected", "100000", 0, 1e9, "Rejected spectra listed"));
}

}  // namespace

void addSweep(Schema& s) {
  s.section("sweep",
            "Parameter sweep: `vocloud sweep` runs every variant; stages they share run once.");
  s.key(keyList("sweep.grid", Type::ObjectList, "[]",
                "Keys and their values; the variants are every combination (the first key "
                "varies slowest)"));
  s.section("sweep.grid[]", "One key of the grid and its values.");
  s.key(keyString("sweep.grid[].key", "", "A config key, e.g. som.rows"));
  s.key(keyList("sweep.grid[].values", Type::StringList, "",
                "Its values, each validated like the file's (YAML text)"));
  s.key(keyList("sweep.variants", Type::ObjectList, "[]",
                "Variants listed one by one, after the grid's"));
  s.section("sweep.variants[]", "One variant: a list of overrides.");
  s.key(keyList("sweep.variants[].set", Type::StringList, "",
                "KEY=VALUE overrides of this variant, as --set takes them"));
  s.key(keyEnum("sweep.rank_by", "auto",
                {"auto", "cv_macro_f1", "cv_accuracy", "quantisation_error", "topographic_error"},
                "Figure that ranks the variants in the summary (auto: cv_macro_f1 when a forest "
                "ran, else quantisation_error); errors rank lowest first"));
}

Schema experimentSchema() {
  Schema schema;
  addGeneral(schema);
  addSynth(schema);
  addAcquire(schema);
  addPreprocess(schema);
  addSom(schema);
  addForest(schema);
  addPredict(schema);
  addSweep(schema);
  addReport(schema);
  return schema;
}

}  // namespace vocloud::config
