/**
 * One schema step. `version` is what `PRAGMA user_version` holds once the step has run; steps run in
 * order, each in its own transaction, so a failed step leaves the file at the previous version.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
