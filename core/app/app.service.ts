import type { AppStatus } from '../api';
import type { AtelierDatabase } from '../store';
import type { OnnxRuntimeInfo } from '../vision';
import packageJson from '../../package.json' with { type: 'json' };

export interface AppServiceOptions {
  readonly dataDir: string;
  readonly database: AtelierDatabase;
  readonly hostVersions?: { electron?: string; chrome?: string };
  /** Lazy: reading onnxruntime-node's files is only needed when someone asks for the status. */
  readonly onnxRuntime: () => OnnxRuntimeInfo;
}

export class AppService {
  private runtime: OnnxRuntimeInfo | undefined;

  constructor(private readonly options: AppServiceOptions) {}

  status(): AppStatus {
    this.runtime ??= this.options.onnxRuntime();
    const { database, dataDir, hostVersions } = this.options;
    return {
      appVersion: packageJson.version,
      versions: {
        node: process.versions.node,
        electron: hostVersions?.electron ?? null,
        chrome: hostVersions?.chrome ?? null,
        sqlite: database.sqliteVersion,
        onnxruntime: this.runtime.version,
      },
      platform: process.platform,
      arch: process.arch,
      dataDir,
      databasePath: database.path,
      schemaVersion: database.schemaVersion,
      executionProviders: this.runtime.providers,
    };
  }
}
