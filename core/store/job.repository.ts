import type Database from 'better-sqlite3';
import { AtelierError } from '../api';
import type { Job, JobState } from '../api';
import type { JobPatch, JobRepository, NewJob } from './store.types';

interface JobRow {
  id: number;
  kind: string;
  title: string;
  state: JobState;
  progress: number | null;
  message: string | null;
  error: string | null;
  result_json: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** better-sqlite3 binds no booleans and no undefined, so each patch field travels as a flag plus a value. */
interface UpdateParams {
  id: number;
  setState: 0 | 1;
  state: string | null;
  setProgress: 0 | 1;
  progress: number | null;
  setMessage: 0 | 1;
  message: string | null;
  setError: 0 | 1;
  error: string | null;
  setResult: 0 | 1;
  result: string | null;
  setStartedAt: 0 | 1;
  startedAt: string | null;
  setFinishedAt: 0 | 1;
  finishedAt: string | null;
}

const COLUMNS =
  'id, kind, title, state, progress, message, error, result_json, created_at, started_at, finished_at';
const NEWEST_FIRST = 'ORDER BY created_at DESC, id DESC LIMIT ?';
/** SQLite reads a negative LIMIT as "no limit". */
const NO_LIMIT = -1;

/** The hot queries, shared with the query-plan test so it checks what really runs. */
export const JOB_QUERIES = {
  listAll: `SELECT ${COLUMNS} FROM jobs ${NEWEST_FIRST}`,
  listByStates: `SELECT ${COLUMNS} FROM jobs WHERE state IN (SELECT value FROM json_each(?)) ${NEWEST_FIRST}`,
  interruptUnfinished:
    "UPDATE jobs SET state = 'interrupted', finished_at = ? WHERE state IN ('queued', 'running')",
} as const;

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    // The table's CHECK admits only JobState values.
    state: row.state,
    progress: row.progress,
    message: row.message,
    error: row.error,
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as unknown),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function field<T>(value: T | undefined): [0 | 1, T | null] {
  return value === undefined ? [0, null] : [1, value];
}

function notFound(id: number): AtelierError {
  return new AtelierError('NOT_FOUND', `There is no job ${id}.`);
}

export class SqliteJobRepository implements JobRepository {
  private readonly insert: Database.Statement<[string, string, string], JobRow>;
  private readonly selectById: Database.Statement<[number], JobRow>;
  private readonly selectInput: Database.Statement<[number], { input_json: string }>;
  private readonly patch: Database.Statement<[UpdateParams], JobRow>;
  private readonly selectAll: Database.Statement<[number], JobRow>;
  private readonly selectByStates: Database.Statement<[string, number], JobRow>;
  private readonly interruptUnfinished: Database.Statement<[string]>;

  constructor(connection: Database.Database) {
    this.insert = connection.prepare(
      `INSERT INTO jobs (kind, title, input_json) VALUES (?, ?, ?) RETURNING ${COLUMNS}`,
    );
    this.selectById = connection.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
    this.selectInput = connection.prepare('SELECT input_json FROM jobs WHERE id = ?');
    this.patch = connection.prepare(`
      UPDATE jobs SET
        state = CASE WHEN @setState THEN @state ELSE state END,
        progress = CASE WHEN @setProgress THEN @progress ELSE progress END,
        message = CASE WHEN @setMessage THEN @message ELSE message END,
        error = CASE WHEN @setError THEN @error ELSE error END,
        result_json = CASE WHEN @setResult THEN @result ELSE result_json END,
        started_at = CASE WHEN @setStartedAt THEN @startedAt ELSE started_at END,
        finished_at = CASE WHEN @setFinishedAt THEN @finishedAt ELSE finished_at END
      WHERE id = @id
      RETURNING ${COLUMNS}`);
    this.selectAll = connection.prepare(JOB_QUERIES.listAll);
    this.selectByStates = connection.prepare(JOB_QUERIES.listByStates);
    this.interruptUnfinished = connection.prepare(JOB_QUERIES.interruptUnfinished);
  }

  create(job: NewJob): Job {
    const row = this.insert.get(job.kind, job.title, JSON.stringify(job.input ?? null));
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return toJob(row);
  }

  get(id: number): Job | undefined {
    const row = this.selectById.get(id);
    return row && toJob(row);
  }

  getInput(id: number): unknown {
    const row = this.selectInput.get(id);
    if (!row) throw notFound(id);
    return JSON.parse(row.input_json);
  }

  update(id: number, patch: JobPatch): Job {
    const [setState, state] = field(patch.state);
    const [setProgress, progress] = field(patch.progress);
    const [setMessage, message] = field(patch.message);
    const [setError, error] = field(patch.error);
    const [setResult, result] = field(patch.result === undefined ? undefined : JSON.stringify(patch.result));
    const [setStartedAt, startedAt] = field(patch.startedAt);
    const [setFinishedAt, finishedAt] = field(patch.finishedAt);
    const row = this.patch.get({
      id,
      setState,
      state,
      setProgress,
      progress,
      setMessage,
      message,
      setError,
      error,
      setResult,
      result,
      setStartedAt,
      startedAt,
      setFinishedAt,
      finishedAt,
    });
    if (!row) throw notFound(id);
    return toJob(row);
  }

  /** Newest first. An empty `states` list matches no job; leave `states` out for every job. */
  list(filter: { states?: readonly JobState[]; limit?: number }): Job[] {
    const limit = filter.limit ?? NO_LIMIT;
    const rows =
      filter.states === undefined
        ? this.selectAll.all(limit)
        : this.selectByStates.all(JSON.stringify(filter.states), limit);
    return rows.map(toJob);
  }

  markUnfinishedAsInterrupted(now: string): number {
    return this.interruptUnfinished.run(now).changes;
  }
}
