import { isFinalJobState } from '../api';
import type { Folder, Job, ScanSummary } from '../api';
import type { Disposable } from '../common';
import type { JobContext, JobRunner } from '../jobs';
import type { ImageLibraryService } from './images';
import type { LibraryWatcher, LoraLibraryService, ScanRoot } from './loras';

export const SCAN_JOB = 'library.scan';
export const HASH_JOB = 'library.hash';

export interface LibraryRoots {
  readonly loras: ScanRoot[];
  readonly images: ScanRoot[];
}

/** What each kind of folder contributes: a ComfyUI install brings its LoRA folders and its output folder. */
export function rootsOf(folders: readonly Folder[]): LibraryRoots {
  const loras: ScanRoot[] = [];
  const images: ScanRoot[] = [];
  for (const folder of folders) {
    switch (folder.kind) {
      case 'loras':
        loras.push({ folderId: folder.id, path: folder.path });
        break;
      case 'images':
        images.push({ folderId: folder.id, path: folder.path });
        break;
      case 'comfyui':
        for (const loraFolder of folder.comfyUi?.loraFolders ?? [])
          loras.push({ folderId: folder.id, path: loraFolder });
        if (folder.comfyUi?.outputFolder)
          images.push({ folderId: folder.id, path: folder.comfyUi.outputFolder });
        break;
    }
  }
  return { loras, images };
}

export interface LibraryControllerOptions {
  readonly jobs: JobRunner;
  readonly loras: LoraLibraryService;
  readonly images: ImageLibraryService;
  readonly folders: () => Folder[];
  readonly followSymlinks: () => boolean;
}

/**
 * Runs the library's long jobs: a scan (headers and image metadata, so the library is browsable at
 * once) followed by hashing in its own job, and — in hosts that stay open — a watcher that rescans
 * when files change. One scan at a time: a change during a scan queues at most one more.
 */
export class LibraryController implements Disposable {
  private watcher: LibraryWatcher | undefined;

  constructor(private readonly options: LibraryControllerOptions) {
    options.jobs.register(SCAN_JOB, (input, context) =>
      this.runScan(input as { folderId?: number }, context),
    );
    options.jobs.register(HASH_JOB, (_input, context) => this.runHash(context));
  }

  /** Starts a scan unless one is already waiting to start (a running one may have missed the change). */
  scan(folderId?: number): Job {
    const queued = this.latest(SCAN_JOB, ['queued']);
    if (queued) return queued;
    return this.options.jobs.start(SCAN_JOB, folderId ? 'Scan a folder' : 'Scan your folders', { folderId });
  }

  /** Watches every LoRA folder; call again after folders change. */
  watch(): void {
    this.watcher?.dispose();
    const { loras } = rootsOf(this.options.folders());
    this.watcher =
      loras.length === 0
        ? undefined
        : this.options.loras.watch(loras, () => void this.scan(), {
            followSymlinks: this.options.followSymlinks(),
          });
  }

  /** A removed folder's files leave the library; nothing on disk is touched. */
  forget(folder: Folder): void {
    const { loras } = rootsOf([folder]);
    this.options.loras.forget(loras.map((r) => r.path));
  }

  private latest(kind: string, states: Job['state'][]): Job | undefined {
    return this.options.jobs.list({ states, limit: 50 }).find((job) => job.kind === kind);
  }

  private async runScan(input: { folderId?: number }, context: JobContext): Promise<ScanSummary> {
    const started = Date.now();
    const folders = this.options
      .folders()
      .filter((f) => input.folderId === undefined || f.id === input.folderId);
    const roots = rootsOf(folders);
    const followSymlinks = this.options.followSymlinks();
    const phase = (from: number, to: number, label: string) => (progress: number | null, message?: string) =>
      context.report(progress === null ? null : from + (to - from) * progress, message ?? label);
    const loraFiles = await this.options.loras.scan(roots.loras, {
      followSymlinks,
      signal: context.signal,
      report: phase(0, 0.6, 'Reading LoRA headers'),
    });
    const images = await this.options.images.scan(roots.images, {
      followSymlinks,
      signal: context.signal,
      report: phase(0.6, 1, 'Reading image metadata'),
    });
    const hashing = this.latest(HASH_JOB, ['queued', 'running']);
    if (!hashing || isFinalJobState(hashing.state)) this.options.jobs.start(HASH_JOB, 'Hash new LoRAs', {});
    return { loraFiles, images, durationMs: Date.now() - started };
  }

  private async runHash(context: JobContext) {
    const hashed = await this.options.loras.hashPending({
      signal: context.signal,
      report: (progress, message) => context.report(progress, message),
    });
    // Hashes make the strongest image ↔ LoRA links possible for images scanned before them.
    const relinked = this.options.images.relink();
    return { ...hashed, relinked: relinked.relinked };
  }

  dispose(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
  }
}
