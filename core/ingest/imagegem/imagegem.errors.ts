import { AtelierError } from '../../api';

export type DatasetFileProblem = 'truncated' | 'corrupt' | 'malformed' | 'missing-columns' | 'unknown-format';

/**
 * A dataset file the import cannot go on reading. Rows committed before it stay committed, and the run
 * stays resumable: fix or replace the file and import again.
 */
export class DatasetFileError extends AtelierError {
  constructor(
    readonly file: string,
    readonly problem: DatasetFileProblem,
    message: string,
  ) {
    super('INVALID_INPUT', message, { file, problem });
  }
}

export function isDatasetFileError(error: unknown): error is DatasetFileError {
  return error instanceof DatasetFileError;
}
