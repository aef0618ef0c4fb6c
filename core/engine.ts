import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from './api';
import { AppService, BACKUP_JOB, backupJob, SettingsService } from './app';
import { DisposableStore, Emitter } from './common';
import { dispatch } from './engine.dispatch';
import type { Handlers } from './engine.dispatch';
import type { Engine, EngineEvent, EngineOptions } from './engine.types';
import { FolderService } from './ingest';
import { JobRunner } from './jobs';
import { hashLoraFile, inspectLora, loraSpectra } from './lora';
import { openDatabase } from './store';
import { detectExecutionProviders } from './vision';

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

  const settings = new SettingsService(database.settings);
  const folders = new FolderService(database.folders);
  const app = new AppService({
    dataDir,
    database,
    onnxRuntime: () => detectExecutionProviders(),
    ...(options.hostVersions ? { hostVersions: options.hostVersions } : {}),
  });

  const handlers: Handlers = {
    'app.status': () => app.status(),
    'settings.get': () => settings.get(),
    'settings.set': (patch) => settings.set(patch),
    'folders.list': () => folders.list(),
    'folders.add': ({ path: folderPath, kind }) => folders.add(folderPath, kind),
    'folders.remove': ({ id }) => ({ removed: folders.remove(id) }),
    'folders.detect': ({ path: folderPath }) => folders.detect(folderPath),
    'jobs.list': ({ states, limit }) =>
      database.jobs.list({ limit: limit ?? 50, ...(states ? { states } : {}) }),
    'jobs.get': ({ id }) => jobs.get(id),
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'media.locate': ({ id }) => {
      const file = database.media.locateImage(id);
      const mimeType = file ? IMAGE_TYPES[path.extname(file).toLowerCase()] : undefined;
      if (!file || !mimeType)
        throw new AtelierError('NOT_FOUND', `There is no image ${id} on this computer.`);
      return { path: file, mimeType };
    },
    'lora.inspect': ({ path: file, checkValues }) => inspectLora(path.resolve(file), { checkValues }),
    'lora.hash': ({ path: file }) => hashLoraFile(path.resolve(file)),
    'lora.spectra': ({ path: file, layers }) => loraSpectra(path.resolve(file), { layers }),
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
