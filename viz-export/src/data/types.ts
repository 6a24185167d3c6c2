// The data files' payloads, as docs/report-data.md describes them.
import type { B64Array } from '../logic/b64';

export interface MeanSd {
  mean: number;
  sd: number;
}

export interface StageRun {
  name: string;
  fingerprint: string;
  status: string;
  seconds: number;
  started: string;
  ended: string;
  summary: string;
  outputs: string[];
}

export interface Overview {
  experiment: string;
  engine_version: string;
  created: string;
  config_yaml: string;
  /** The route to open when the address has none (vocloud preview's spectrum view). */
  start?: string;
  stages: StageRun[];
  pages: { som: boolean; forest: boolean; predict: boolean; compare?: boolean };
  dataset: {
    path: string;
    rows: number;
    rejected: number;
    classes: { name: string; count: number }[];
    layouts: { name: string; count: number }[];
    grid: { from: number; to: number; points: number; spacing: string; frame: string; rest_frame: boolean; unit: string };
    rejected_reasons: { reason: string; count: number }[];
    pca: { explained_variance_ratio: number[] };
  };
  spectra_index: { shards: number; per_shard: number; count: number };
}

export interface Rejected {
  count: number;
  listed: number;
  rows: { id: string; path: string; reason: string }[];
}

export interface SpectraIndex {
  count: number;
  row: number[];
  id: string[];
  object: string[];
  label: string[];
  shard: number[];
}

export interface Stages {
  raw?: { wave: B64Array; flux: B64Array; mask?: B64Array; frame: string; cut_from: number; cut_to: number };
  cut?: { wave: B64Array; flux: B64Array };
  resampled?: { flux: B64Array; mask?: B64Array };
  continuum?: { flux: B64Array };
  normalised?: { flux: B64Array; mask?: B64Array };
  pca?: { flux: B64Array };
}

export interface Spectrum {
  row: number;
  id: string;
  object: string;
  ra: number | null;
  dec: number | null;
  z: number | null;
  snr: number | null;
  label: string;
  layout: string;
  path: string;
  source_url: string;
  /** file:// URL of the spectrum file on the machine that wrote the report ("" unknown; older reports lack it). */
  file_url?: string;
  stages: Stages;
  raw_error: string;
  som: { bmu: number; distance: number; outlier_score: number; outlier_rank: number } | null;
  forest: { fold: number; true: string; predicted: string; probability: number[]; estimate: string } | null;
}

export interface Shard {
  spectra: Spectrum[];
}

export interface Grid {
  wave: B64Array;
}

export interface Som {
  rows: number;
  cols: number;
  grid: 'hexagonal' | 'rectangular';
  topology: 'planar' | 'toroidal';
  quantisation_error: number;
  topographic_error: number;
  epochs: { quantisation_error: number[]; topographic_error: number[]; radius: number[] };
  nodes: {
    x: number[]; y: number[]; row: number[]; col: number[]; hits: number[];
    umatrix: number[]; density: number[]; sparse: number[];
  };
  classes: { names: string[]; hits: number[][] };
  node_shards: { count: number; per_shard: number };
  outliers: {
    count: number; listed: number; rank: number[]; row: number[]; id: string[]; label: string[];
    score: number[]; bmu: number[]; shard: number[];
  };
}

export interface Members {
  count: number;
  row: number[];
  id: string[];
  label: string[];
  distance: number[];
  outlier_score: number[];
  shard: number[];
}

export interface NodeShard {
  first: number;
  codebook: B64Array;
  members: Members[];
}

export interface Forest {
  classes: string[];
  folds: number;
  group_by: string;
  accuracy: MeanSd;
  macro_f1: MeanSd;
  macro_auc: MeanSd;
  confusion: number[][];
  per_class: { class: string; precision: MeanSd; recall: MeanSd; f1: MeanSd; auc: MeanSd; support: number }[];
  per_fold: { fold: number; accuracy: number; macro_f1: number; macro_auc: number }[];
  roc: { class: string; fpr: number[]; tpr: number[]; auc: number }[];
  importance: { impurity: B64Array; permutation: B64Array };
  features: 'flux' | 'pca' | 'wavelet';
  class_mean: Record<string, B64Array>;
  cell_shards: boolean;
}

export interface Cell {
  count: number;
  row: number[];
  id: string[];
  true: string;
  predicted: string;
  probability: number[][];
  shard: number[];
}

export interface Predict {
  class: string;
  count: number;
  rank: number[];
  row: number[];
  id: string[];
  label: string[];
  predicted: string[];
  probability: number[];
  estimate: string[];
  shard: number[];
}

/** File names below data/ (without .js). */
export const shardName = (n: number): string => `spectra/shard-${String(n).padStart(6, '0')}`;
export const nodeShardName = (n: number): string => `som/nodes-${String(n).padStart(4, '0')}`;
export const cellName = (t: number, p: number): string => `forest/cell-${t}-${p}`;

/** One kept variant of a stage (data/compare.js). */
export interface CompareVariant {
  name: string;
  fingerprint: string;
  latest: boolean;
  ended: string;
  summary: string;
  megabytes: number;
  /** The parameters (and inputs) whose values differ between the stage's variants. */
  differing: Record<string, string>;
  /** Headline figures parsed from the summary, as `vocloud runs` prints them. */
  figures: Record<string, number>;
  /** Figures read from the variant's own output file (som.h5, forest.h5). */
  measured: { quantisation_error?: number; topographic_error?: number; accuracy?: MeanSd; macro_f1?: MeanSd };
}

export interface CompareStage {
  stage: string;
  differing: string[];
  variants: CompareVariant[];
}

export interface SweepRow {
  rank: number;
  variant: number;
  overrides: string;
  figures: Record<string, number>;
  stages: Record<string, string>;
}

export interface Compare {
  stages: CompareStage[];
  sweep: { rank_by: string; larger_is_better: boolean; rows: SweepRow[] } | null;
}
