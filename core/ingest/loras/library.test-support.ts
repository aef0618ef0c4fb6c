import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { generateSdxlLora, type GeneratedLora, type SdxlModuleSpec } from '../../lora';
import { openDatabase, SqliteLoraFileRepository, type SqliteAtelierDatabase } from '../../store';
import { tempDir } from '../../testing';
import { type LibraryFileSystem, nodeLibraryFs } from './library-fs';
import { LoraLibraryService } from './lora-library.service';

/** A handful of SDXL modules (te1, te2 and UNet stacks that only SDXL has), so files are a few KB. */
const FEW_MODULES = (m: SdxlModuleSpec): boolean =>
  /^lora_unet_input_blocks_7_1_transformer_blocks_[01]_attn[12]_to_[kq]$/.test(m.key) ||
  /^lora_te[12]_text_model_encoder_layers_0_self_attn_q_proj$/.test(m.key);

export async function writeTinyLora(
  filePath: string,
  options: { seed?: number; metadata?: Record<string, string> } = {},
): Promise<GeneratedLora> {
  mkdirSync(path.dirname(filePath), { recursive: true });
  return generateSdxlLora(filePath, {
    scale: 64,
    filter: FEW_MODULES,
    seed: options.seed ?? 1,
    metadata: options.metadata ?? {},
    overwrite: true,
  });
}

/** The node file system with counters and per-path failures, to see what a scan opens and to simulate EACCES. */
export class CountingFs implements LibraryFileSystem {
  opens: string[] = [];
  reads: string[] = [];
  readonly failOpen = new Map<string, string>();
  onOpen: ((p: string) => void) | undefined;

  readdir = (dir: string) => nodeLibraryFs.readdir(dir);
  stat = (p: string) => nodeLibraryFs.stat(p);
  lstat = (p: string) => nodeLibraryFs.lstat(p);
  realpath = (p: string) => nodeLibraryFs.realpath(p);
  writeFileAtomic = (p: string, bytes: Uint8Array) => nodeLibraryFs.writeFileAtomic(p, bytes);

  open(p: string) {
    this.opens.push(p);
    this.onOpen?.(p);
    const errno = this.failOpen.get(p);
    if (errno !== undefined) {
      return Promise.reject(Object.assign(new Error(`${errno}: simulated, open '${p}'`), { code: errno }));
    }
    return nodeLibraryFs.open(p);
  }

  readFile(p: string) {
    this.reads.push(p);
    const errno = this.failOpen.get(p);
    if (errno !== undefined) {
      return Promise.reject(Object.assign(new Error(`${errno}: simulated, open '${p}'`), { code: errno }));
    }
    return nodeLibraryFs.readFile(p);
  }

  reset(): void {
    this.opens = [];
    this.reads = [];
  }
}

export interface LibraryHarness {
  readonly root: string;
  readonly cacheDir: string;
  readonly db: SqliteAtelierDatabase;
  readonly files: SqliteLoraFileRepository;
  readonly fs: CountingFs;
  readonly service: LoraLibraryService;
}

/** A temp folder with `loras/` and `cache/`, a migrated database, and a service over a counting fs. */
export function useLibrary(): () => LibraryHarness {
  let harness: (LibraryHarness & { dispose(): void }) | undefined;
  beforeEach(() => {
    const dir = tempDir('atelier-library-');
    const root = path.join(dir.path, 'loras');
    const cacheDir = path.join(dir.path, 'cache');
    mkdirSync(root);
    const db = openDatabase({ path: path.join(dir.path, 'atelier.db') });
    // Folder ids 1 and 2, as the tests' scan roots use them.
    db.folders.add({ path: root, kind: 'loras', comfyUi: null });
    db.folders.add({ path: path.join(dir.path, 'other'), kind: 'loras', comfyUi: null });
    const files = new SqliteLoraFileRepository(db.connection);
    const fs = new CountingFs();
    const service = new LoraLibraryService({ files, cacheDir, fs, batchSize: 3, concurrency: 4 });
    harness = {
      root,
      cacheDir,
      db,
      files,
      fs,
      service,
      dispose() {
        db.dispose();
        dir.dispose();
      },
    };
  });
  afterEach(() => {
    harness?.dispose();
    harness = undefined;
  });
  return () => {
    if (harness === undefined) throw new Error('useLibrary() is only usable inside a test');
    return harness;
  };
}

export function jobOptions(signal: AbortSignal = new AbortController().signal) {
  const messages: (string | undefined)[] = [];
  return {
    signal,
    followSymlinks: true,
    report: (_p: number | null, m?: string) => void messages.push(m),
    messages,
  };
}
