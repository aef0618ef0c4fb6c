// Features read the contract through this folder, so the renderer's one door into core stays here.
export { AtelierError, isAtelierError, isFinalJobState, ReduceResult } from '../../../core/api';
export type {
  AppStatus,
  ComfyUiLayout,
  ErrorCode,
  ExecutionProvider,
  ExecutionProviderStatus,
  Folder,
  FolderDetection,
  FolderKind,
  Job,
  JobState,
  LayerSet,
  LoraHashes,
  LoraInspection,
  LoraSpectra,
  MethodInput,
  MethodName,
  MethodOutput,
  ReduceInput,
  Settings,
  SettingsPatch,
} from '../../../core/api';
export { ClientProvider, useClient } from './ClientContext';
export type { HostMode, RendererClient } from './client';
export { methodKey, useMethodMutation, useMethodQuery } from './queries';
export type { MethodMutationOptions } from './queries';
export { connect, type Startup } from './startup';
export type { ConnectionState, MediaKind } from './transport';
