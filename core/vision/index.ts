export { detectExecutionProviders } from './execution-providers';
export type { OnnxRuntimeInfo } from './execution-providers';
