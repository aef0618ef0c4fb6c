// Types for the pure helpers of electron-native.mjs, which stays plain JavaScript so `node` runs it
// before anything is built.
export interface ElectronTarget {
  readonly electronVersion: string;
  readonly betterSqlite3Version: string;
  readonly platform: string;
  readonly arch: string;
}

export const SQLITE_BINDING_FILE: string;
export const BUILD_INFO_FILE: string;
export const ELECTRON_HEADERS_URL: string;
export function nativeDirName(target: Pick<ElectronTarget, 'electronVersion' | 'platform' | 'arch'>): string;
export function nativeBindingPath(repoRoot: string, target: ElectronTarget): string;
export function electronTarget(repoRoot: string, platform?: string, arch?: string): ElectronTarget;
export function isElectronBinaryInstalled(repoRoot: string): boolean;
export function isBindingBuilt(repoRoot: string, target: ElectronTarget): boolean;
export function prebuildInstallArgs(target: ElectronTarget): string[];
export function nodeGypArgs(target: ElectronTarget): string[];
export function copyPackageForBuild(packageDir: string, workDir: string): void;
export function main(repoRoot?: string): void;
export function ensureElectronBinary(repoRoot: string): void;
export function ensureSqliteBinding(repoRoot: string, target: ElectronTarget): void;
