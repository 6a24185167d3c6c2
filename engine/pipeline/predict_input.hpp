#pragma once
// What `predict` classifies, made with the model's preprocessing recipe: the pipeline's or
// a given data set (refused when it was made another way, naming the first key that
// differs), or a base of knowledge / folder of spectra preprocessed here with the recipe.
// The orchestration lives here because it needs both the preprocess and the forest stages.
#include "forest/predict_stage.hpp"
#include "pipeline/stage.hpp"

#include <string>

namespace vocloud::pipeline {

/// The forest.h5 predict applies: predict.model_file, else the forest stage's.
std::string predictModelPath(StageContext const& context, forest::PredictConfig const& config);

/// The run of predict: the data set to read and how its rows become the model's features
/// (a projection on the model's own PCA basis for PCA models). For input directory, the
/// spectra are first preprocessed with the model's recipe into context.outputDir/dataset.h5.
/// Throws vocloud::UsageError when a data set was made with another recipe than the
/// model's, or when spectra are given to a model that records no recipe.
/// Collective over context.comm.
forest::PredictRun preparePredict(StageContext& context, forest::PredictConfig const& config);

/// Text that identifies predict.bok_dir's content for the fingerprint: its catalog.csv, or
/// the names and sizes of a folder's files.
std::string predictInputFingerprint(std::string const& bokDir);

}  // namespace vocloud::pipeline
