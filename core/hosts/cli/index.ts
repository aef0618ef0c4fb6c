export { buildProgram, commandPaths } from './cli.program';
export type { CliActions, GlobalOptions } from './cli.program';
export { runCli } from './main';
export type { CliIo } from './main';
