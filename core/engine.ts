import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AtelierError, ImportInput, W2wBuildInput } from './api';
import { AppService, BACKUP_JOB, backupJob, SettingsService } from './app';
import { DisposableStore, Emitter } from './common';
import { dispatch } from './engine.dispatch';
import type { Handlers } from './engine.dispatch';
import type { Engine, EngineEvent, EngineOptions } from './engine.types';
import {
  createHeaderWorkerParser,
  DatasetStatsService,
  FolderService,
  ImageGemImporter,
  ImageLibraryService,
  LibraryController,
  LoraLibraryService,
} from './ingest';
import { JobRunner } from './jobs';
import {
  assertOutputFree,
  createReducePool,
  hashLoraFile,
  inspectLora,
  loraSpectra,
  REDUCE_JOB,
  reduceJob,
} from './lora';
import type { ReducePool } from './lora';
import {
  openDatabase,
  SqliteImageGemRepository,
  SqliteImageRepository,
  SqliteLoraFileRepository,
  SqliteStatsRepository,
  SqliteW2wRepository,
} from './store';
import { detectExecutionProviders, ThumbnailCache } from './vision';
import { W2wService } from './w2w';

export const DATABASE_FILE = 'atelier.db';

/** Mime types of the images the media route serves; anything else is refused. */
const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
};

const IMPORT_JOB = 'import.imagegem';
const W2W_BUILD_JOB = 'w2w.build';

/** The artist at this computer; dataset users get other ids. */
const LOCAL_USER_ID = 1;

/** The composition root: builds the store, services and job runner and wires them to the contract. */
export function createEngine(options: EngineOptions): Engine {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const disposables = new DisposableStore();
  const database = openDatabase({
    path: path.join(dataDir, DATABASE_FILE),
    ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}),
  });
  // Registered first so it is disposed last: everything below may still write while shutting down.
  disposables.add(database);
  const events = disposables.add(new Emitter<EngineEvent>());
  const jobs = disposables.add(new JobRunner(database.jobs));
  jobs.recoverInterrupted();
  disposables.add(jobs.onDidChange((job) => events.fire({ event: 'jobs.onDidProgress', payload: job })));
  jobs.register(BACKUP_JOB, backupJob(database, dataDir));
  // Worker threads start on the first reduction and live as long as the engine.
  let reducePool: ReducePool | null | undefined;
  jobs.register(
    REDUCE_JOB,
    reduceJob(() => (reducePool ??= createReducePool())),
  );
  disposables.add({ dispose: () => reducePool?.dispose() });

  const thumbnails = disposables.add(new ThumbnailCache(path.join(dataDir, 'cache', 'thumbnails')));
  const images = new ImageLibraryService(new SqliteImageRepository(database.connection), thumbnails);
  const settings = new SettingsService(database.settings);
  const folders = new FolderService(database.folders);
  const headerParser = createHeaderWorkerParser();
  if (headerParser) disposables.add(headerParser);
  const loras = new LoraLibraryService({
    files: new SqliteLoraFileRepository(database.connection),
    cacheDir: path.join(dataDir, 'cache', 'covers'),
    ...(headerParser ? { headerParser } : {}),
  });
  const library = disposables.add(
    new LibraryController({
      jobs,
      loras,
      images,
      folders: () => folders.list(),
      followSymlinks: () => settings.get().followSymlinks,
    }),
  );
  if (options.watch) library.watch();
  const importer = new ImageGemImporter(new SqliteImageGemRepository(database.connection));
  jobs.register(IMPORT_JOB, (input, context) => importer.run(ImportInput.parse(input), context));
  const w2wRepository = new SqliteW2wRepository(database.connection);
  const w2w = disposables.add(
    new W2wService({
      repository: w2wRepository,
      listLoras: (query) => loras.list(query),
      folders: () => folders.list(),
      likedLoraFileIds: () => w2wRepository.likedLoraFileIds(LOCAL_USER_ID),
      dataDir,
    }),
  );
  jobs.register(W2W_BUILD_JOB, (input, context) => w2w.build(W2wBuildInput.parse(input), context));
  const stats = new DatasetStatsService(new SqliteStatsRepository(database.connection));
  const app = new AppService({
    dataDir,
    database,
    onnxRuntime: () => detectExecutionProviders(),
    ...(options.hostVersions ? { hostVersions: options.hostVersions } : {}),
  });

  const loraPreview = (id: number): string => {
    const preview = loras.previewPath(id);
    if (!preview) throw new AtelierError('NOT_FOUND', `LoRA ${id} has no preview image.`);
    return preview;
  };

  const handlers: Handlers = {
    'app.status': () => app.status(),
    'settings.get': () => settings.get(),
    'settings.set': (patch) => settings.set(patch),
    'folders.list': () => folders.list(),
    'folders.add': ({ path: folderPath, kind }) => {
      const folder = folders.add(folderPath, kind);
      if (options.watch) library.watch();
      return folder;
    },
    'folders.remove': ({ id }) => {
      const folder = folders.list().find((f) => f.id === id);
      if (folder) library.forget(folder);
      const removed = folders.remove(id);
      if (options.watch) library.watch();
      return { removed };
    },
    'folders.detect': ({ path: folderPath }) => folders.detect(folderPath),
    'jobs.list': ({ states, limit }) =>
      database.jobs.list({ limit: limit ?? 50, ...(states ? { states } : {}) }),
    'jobs.get': ({ id }) => jobs.get(id),
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'media.locate': async ({ kind, id }) => {
      const file = kind === 'lora-preview' ? loraPreview(id) : await images.locate(kind, id);
      const mimeType = IMAGE_TYPES[path.extname(file).toLowerCase()];
      if (!mimeType) throw new AtelierError('NOT_FOUND', `Image ${id} is not in a format Atelier shows.`);
      return { path: file, mimeType };
    },
    'lora.inspect': ({ path: file, checkValues }) => inspectLora(path.resolve(file), { checkValues }),
    'lora.hash': ({ path: file }) => hashLoraFile(path.resolve(file)),
    'lora.spectra': ({ path: file, layers }) => loraSpectra(path.resolve(file), { layers }),
    'lora.reduce': (input) => {
      assertOutputFree(input);
      const rule = input.dynamic ?? `rank ${input.rank ?? 1}`;
      return jobs.start(REDUCE_JOB, `Reduce ${path.basename(input.path)} (${input.layers}, ${rule})`, input);
    },
    'library.scan': ({ folderId }) => library.scan(folderId),
    'loras.list': (query) => loras.list(query),
    'loras.bases': () => loras.bases(),
    'loras.get': ({ id }) => ({
      ...loras.get(id),
      images: images.list({ loraFileId: id, offset: 0, limit: 24 }).items,
    }),
    'images.list': (query) => images.list(query),
    'images.get': ({ id }) => images.get(id),
    'images.react': ({ imageId, kind, on }) => images.react(LOCAL_USER_ID, imageId, kind, on),
    'import.imagegem': (input) => jobs.start(IMPORT_JOB, 'Import the ImageGem tables', input),
    'stats.dataset': () => stats.datasetStats(),
    'w2w.build': (input) => {
      w2w.assertBuildable(input);
      return jobs.start(W2W_BUILD_JOB, `Build weight space “${input.name}” (${input.layers})`, input);
    },
    'w2w.list': () => w2w.list(),
    'w2w.info': ({ space }) => w2w.info(space),
    'w2w.remove': ({ space }) => w2w.remove(space),
    'w2w.direction': (input) => w2w.direction(input),
    'w2w.project': (input) => w2w.project(input),
    'w2w.preview': (input) => w2w.preview(input),
    'w2w.edit': (input) => w2w.edit(input),
    'w2w.sample': (input) => w2w.sample(input),
    'store.backup': () => jobs.start(BACKUP_JOB, 'Back up the database', {}),
  };

  let disposed = false;
  return {
    invoke(method, input) {
      if (disposed) return Promise.reject(new AtelierError('INTERNAL', 'The engine has shut down.'));
      return dispatch(handlers, method, input);
    },
    onEvent: events.event,
    dispose() {
      if (disposed) return;
      disposed = true;
      disposables.dispose();
    },
  };
}
