import path from 'node:path';

export interface DataDirChoice {
  readonly dataDir: string;
  /** True when the user chose the folder (flag or env) rather than falling back to Electron's userData. */
  readonly explicit: boolean;
}

/**
 * `--data-dir <path>` (or `--data-dir=<path>`), else `ATELIER_DATA_DIR`, else the fallback.
 * Relative paths resolve against `cwd` so a terminal launch means what the user typed.
 */
export function resolveDataDir(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  fallback: () => string,
  cwd: string = process.cwd(),
): DataDirChoice {
  const fromArgs = dataDirArg(argv);
  if (fromArgs !== undefined) return { dataDir: path.resolve(cwd, fromArgs), explicit: true };
  const fromEnv = env['ATELIER_DATA_DIR'];
  if (fromEnv !== undefined && fromEnv.trim() !== '')
    return { dataDir: path.resolve(cwd, fromEnv), explicit: true };
  return { dataDir: fallback(), explicit: false };
}

function dataDirArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--') || value.trim() === '') {
        throw new Error('--data-dir needs a folder path, e.g. --data-dir ~/atelier-data');
      }
      return value;
    }
    if (arg?.startsWith('--data-dir=')) {
      const value = arg.slice('--data-dir='.length);
      if (value.trim() === '')
        throw new Error('--data-dir needs a folder path, e.g. --data-dir=~/atelier-data');
      return value;
    }
  }
  return undefined;
}
