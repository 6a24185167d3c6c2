# The ranger peer of vocloud's random forest (Debian r-cran-ranger, data via r-cran-hdf5r):
# times one fit on all labelled rows of a vocloud dataset.h5 (or a CSV), and with --folds-h5
# also cross-validates on exactly those folds.
#
# usage: Rscript ranger_forest.R --h5 dataset.h5 [--features /flux] [--labels /meta/label]
#            [--csv table.csv --label-column label] [--trees 100] [--threads 2]
#            [--mtry 0 (= floor(sqrt(D)))] [--min-node-size 1] [--max-depth 0 (= none)]
#            [--sample-fraction 1] [--replace true] [--splitrule gini] [--seed 0]
#            [--folds-h5 F.h5 --folds-dataset /cv/fold]
#
# Rows with an empty label take no part; classes are the distinct labels, sorted. Folds: one
# integer per row of the data set, negative = left out. Prints one JSON object on stdout:
# fit seconds of the full fit, and per fold accuracy and macro-F1 (zero_division = 0, over
# the classes present in truth or prediction) with mean and sample sd.
suppressPackageStartupMessages(library(ranger))

defaults <- list(h5 = "", features = "/flux", labels = "/meta/label", csv = "",
                 "label-column" = "label", trees = "100", threads = "2", mtry = "0",
                 "min-node-size" = "1", "max-depth" = "0", "sample-fraction" = "1",
                 replace = "true", splitrule = "gini", seed = "0", "folds-h5" = "",
                 "folds-dataset" = "/cv/fold")

parse_args <- function(argv, opts) {
  i <- 1
  while (i <= length(argv)) {
    key <- sub("^--", "", argv[i])
    if (!(key %in% names(opts)) || i == length(argv)) stop("ranger_forest: bad argument ", argv[i])
    opts[[key]] <- argv[i + 1]
    i <- i + 2
  }
  opts
}

# hdf5r presents an HDF5 [N, D] dataset as a D x N matrix: read it and transpose.
read_h5 <- function(path, name, matrix = FALSE) {
  suppressPackageStartupMessages(library(hdf5r))
  f <- H5File$new(path, mode = "r")
  on.exit(f$close_all())
  values <- f[[sub("^/", "", name)]]$read()
  if (matrix) t(values) else as.vector(values)
}

json_number <- function(v) {
  if (length(v) == 0 || is.na(v)) "null" else format(v, digits = 10)
}

macro_f1 <- function(truth, predicted) {
  classes <- sort(union(unique(as.character(truth)), unique(as.character(predicted))))
  f1 <- sapply(classes, function(c) {
    tp <- sum(truth == c & predicted == c)
    p <- if (sum(predicted == c) > 0) tp / sum(predicted == c) else 0
    r <- if (sum(truth == c) > 0) tp / sum(truth == c) else 0
    if (p + r > 0) 2 * p * r / (p + r) else 0
  })
  mean(f1)
}

opts <- parse_args(commandArgs(trailingOnly = TRUE), defaults)
start <- Sys.time()
if (nzchar(opts$csv)) {
  table <- read.csv(opts$csv, stringsAsFactors = FALSE)
  labels <- as.character(table[[opts[["label-column"]]]])
  x <- as.matrix(table[, setdiff(names(table), opts[["label-column"]]), drop = FALSE])
  source_name <- opts$csv
} else if (nzchar(opts$h5)) {
  x <- read_h5(opts$h5, opts$features, matrix = TRUE)
  labels <- read_h5(opts$h5, opts$labels)
  source_name <- opts$h5
} else {
  stop("ranger_forest: give --h5 or --csv")
}
storage.mode(x) <- "double"
colnames(x) <- paste0("f", seq_len(ncol(x)))
read_seconds <- as.numeric(difftime(Sys.time(), start, units = "secs"))
labelled <- nzchar(labels)
classes <- sort(unique(labels[labelled]))
y_all <- factor(labels, levels = classes)

num <- function(key) as.numeric(opts[[key]])
mtry <- if (num("mtry") > 0) num("mtry") else floor(sqrt(ncol(x)))
fit <- function(rows) {
  ranger(x = x[rows, , drop = FALSE], y = y_all[rows], num.trees = num("trees"),
         mtry = mtry, min.node.size = num("min-node-size"),
         max.depth = if (num("max-depth") > 0) num("max-depth") else NULL,
         sample.fraction = num("sample-fraction"), replace = tolower(opts$replace) == "true",
         splitrule = opts$splitrule, num.threads = num("threads"), seed = num("seed"),
         verbose = FALSE)
}
timed <- function(expr) {
  t <- Sys.time()
  value <- expr
  list(value = value, seconds = as.numeric(difftime(Sys.time(), t, units = "secs")))
}

rows <- which(labelled)
full <- timed(fit(rows))
out <- c(sprintf('"tool": "ranger", "version": "%s", "file": "%s", "rows": %d, "dims": %d',
                 as.character(packageVersion("ranger")), source_name, length(rows), ncol(x)),
         sprintf('"classes": [%s]', paste0('"', classes, '"', collapse = ", ")),
         sprintf('"params": {"trees": %s, "mtry": %s, "min_node_size": %s, "max_depth": %s, "sample_fraction": %s, "replace": %s, "splitrule": "%s", "threads": %s, "seed": %s}',
                 opts$trees, mtry, opts[["min-node-size"]], opts[["max-depth"]],
                 opts[["sample-fraction"]], tolower(opts$replace), opts$splitrule,
                 opts$threads, opts$seed),
         sprintf('"read_seconds": %s, "fit_seconds": %s, "oob_accuracy": %s',
                 json_number(read_seconds), json_number(full$seconds),
                 json_number(1 - full$value$prediction.error)))

if (nzchar(opts[["folds-h5"]])) {
  fold_of <- as.integer(read_h5(opts[["folds-h5"]], opts[["folds-dataset"]]))
  if (length(fold_of) != length(labels)) stop("ranger_forest: ", length(fold_of), " folds for ", length(labels), " rows")
  fold_of[!labelled] <- -1L
  folds <- sort(unique(fold_of[fold_of >= 0]))
  per_fold <- lapply(folds, function(f) {
    train <- which(fold_of >= 0 & fold_of != f)
    test <- which(fold_of == f)
    model <- timed(fit(train))
    predicted <- predict(model$value, x[test, , drop = FALSE], num.threads = num("threads"))$predictions
    truth <- y_all[test]
    c(fold = f, train = length(train), test = length(test),
      accuracy = mean(as.character(predicted) == as.character(truth)),
      macro_f1 = macro_f1(as.character(truth), as.character(predicted)), fit_seconds = model$seconds)
  })
  table <- do.call(rbind, per_fold)
  items <- apply(table, 1, function(r) sprintf('{"fold": %d, "train": %d, "test": %d, "accuracy": %s, "macro_f1": %s, "fit_seconds": %s}',
                                              as.integer(r["fold"]), as.integer(r["train"]), as.integer(r["test"]),
                                              json_number(r["accuracy"]), json_number(r["macro_f1"]), json_number(r["fit_seconds"])))
  spread <- function(v) sprintf('{"mean": %s, "sd": %s}', json_number(mean(v)), json_number(if (length(v) > 1) sd(v) else NA))
  out <- c(out, sprintf('"fold_source": "%s:%s"', opts[["folds-h5"]], opts[["folds-dataset"]]),
           sprintf('"folds": [%s]', paste(items, collapse = ", ")),
           sprintf('"accuracy": %s, "macro_f1": %s', spread(table[, "accuracy"]), spread(table[, "macro_f1"])))
}
cat("{", paste(out, collapse = ", "), "}\n", sep = "")
