export { AppStatus, ExecutionProvider, ExecutionProviderStatus } from './app.schema';
export type { AtelierBridge, AtelierClient, BridgeResult, HostMethodInvoker } from './client';
export { AtelierError, ErrorCode, httpStatusOf, isAtelierError, toWireError, WireError } from './errors';
export { ComfyUiLayout, Folder, FolderDetection, FolderKind } from './folders.schema';
export {
  DatasetStats,
  ImageList,
  ImageListItem,
  ImageListQuery,
  ImportInput,
  ImportSummary,
  LoraDetail,
  LoraList,
  LoraListItem,
  LoraListQuery,
  ReactionFlags,
  ReactionKind,
  ScanSummary,
} from './library.schema';
export {
  BaseModel,
  DynamicRank,
  FloatDtype,
  LayerSet,
  LoraFormat,
  LoraHashes,
  LoraInspection,
  LoraProblem,
  LoraSpectra,
  ModuleSpectrum,
  ModuleReductionReport,
  ModuleSummary,
  ReduceInput,
  ReduceResult,
} from './lora.schema';
export { FINAL_JOB_STATES, isFinalJobState, Job, JobState } from './jobs.schema';
export {
  eventNames,
  events,
  hostMethods,
  isEventName,
  isHostMethodName,
  isMethodName,
  methodNames,
  methods,
} from './methods';
export type {
  CliSpec,
  EventName,
  EventPayload,
  Events,
  HostMethodInput,
  HostMethodName,
  HostMethodOutput,
  HostMethods,
  MethodInput,
  MethodName,
  MethodOutput,
  MethodParsedInput,
  Methods,
  MethodSpec,
} from './methods';
export { Settings, SettingsPatch } from './settings.schema';
export {
  DirectionMethod,
  DirectionStrength,
  Standardize,
  W2wBuildInput,
  W2wDirection,
  W2wDirectionInput,
  W2wEditInput,
  W2wExport,
  W2wMember,
  W2wName,
  W2wPreview,
  W2wPreviewInput,
  W2wProjection,
  W2wProjectionInput,
  W2wReadout,
  W2wSampleInput,
  W2wSpaceInfo,
  W2wSpaceRef,
  W2wSpaceSummary,
} from './w2w.schema';
