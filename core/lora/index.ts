// ── Shared model types ──────────────────────────────────────────────────────────────────────────
export type {
  BaseModel,
  DenseOnlyModule,
  LayerSet,
  LoraFormat,
  LoraModule,
  LowRankModule,
  ModuleKind,
  ModuleTarget,
  TensorRef,
} from './lora.types';

// ── Reading LoRA files: safetensors, formats, base model, hashes ─────────────────────────────────
export { decodeFloat32, DTYPE_SIZES, dtypeSize, encodeFloat, isDtype, isFloatDtype } from './dtype';
export type { Dtype, FloatDtype } from './dtype';
export { reasonOf } from './errors';
export type {
  LoraErrorDetails,
  LoraFileReason,
  NotALoraReason,
  OutputReason,
  UnsafeFormatReason,
} from './errors';
export {
  MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  readHeaderLength,
  sniffPickle,
} from './safetensors.header';
export type { SafetensorsHeader, TensorInfo } from './safetensors.header';
export { hasPickleExtension, SafetensorsReader, withSafetensors } from './safetensors.reader';
export { createSafetensorsFile, writeSafetensors } from './safetensors.writer';
export type {
  PositionalSafetensorsFile,
  TensorData,
  TensorSpec,
  TensorToWrite,
  WriteResult,
  WriteSafetensorsOptions,
} from './safetensors.writer';
export { denseDelta, lowRankDelta } from './formats/delta';
export type { TensorLoader } from './formats/delta';
export { normalizationKey, normalizeLora, parseLora } from './formats/lora.parser';
export type { LoraTensorSource } from './formats/lora.parser';
export { classifyModule, splitCanonicalKey } from './formats/module-kind';
export type { LoraProblem, LoraProblemKind, ParsedLora } from './formats/parsed-lora.types';
export { sdxlDiffusersToLdm } from './formats/sdxl-unet.keymap';
export { detectBaseModel } from './base-model';
export type { BaseModelDetection, Confidence } from './base-model';
export { hashLoraFile } from './hash';
export type { HashOptions, HashProgress, LoraHashes } from './hash';
export { assertUsable, inspectLora, openLora } from './lora-file';
export type { InspectOptions, LoraInspection, ModuleSummary, OpenedLora, OpenLoraOptions } from './lora-file';

// ── Layer sets and spectra ───────────────────────────────────────────────────────────────────────
export { inLayerSet } from './layer-set';
export { loraSpectra } from './spectra';
export type { LoraSpectra, ModuleSpectrum } from './spectra';

// ── Test and benchmark fixtures ──────────────────────────────────────────────────────────────────
export { writeBrokenCorpus } from './fixtures/broken-files';
export type { BrokenCase } from './fixtures/broken-files';
export { generateSdxlLora } from './fixtures/sdxl-lora.generator';
export type {
  FactorRequest,
  GeneratedLora,
  SdxlLoraLayout,
  SdxlLoraOptions,
} from './fixtures/sdxl-lora.generator';
export { sdxlModuleTable } from './fixtures/sdxl-modules';
export type { SdxlModuleSpec, SdxlTableOptions } from './fixtures/sdxl-modules';

// ── Reduction (SVD) — owned by the reduce work; add its exports below ────────────────────────────
export { canonicalizeRank1, reduceLowRank, selectRank } from './reduce';
export type {
  LowRankFactors,
  ModuleReduction,
  RankRule,
  ReducedFactors,
  ReduceOptions,
  ReduceProblem,
  ReductionReport,
} from './reduce';

// ── Reduction of whole files: Gram fast path, SIMD module reducer, worker pipeline, kohya export ────
export { GRAM_CONDITION_LIMIT, reduceByGram } from './reduce.gram';
export type { GramFactors, Projector } from './reduce.gram';
export { DENSE_REDUCE_LIMIT, ModuleReducer, reduceDense } from './reduce.module';
export type { StoredLowRankModule } from './reduce.module';
export type { ModuleOutcome, OutputDtype, ReduceBatch } from './reduce.batch';
export { createReducePool, reduceLoraFile } from './reduce.pipeline';
export type {
  ModuleReductionEntry,
  ReduceFileOptions,
  ReduceFileResult,
  ReducePool,
} from './reduce.pipeline';
export { assertOutputFree, rankRuleOf, REDUCE_JOB, reduceJob, suggestOutputPath } from './reduce.job';
