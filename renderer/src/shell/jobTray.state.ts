import type { Job } from '../api';

/** Long enough to read "Done", short enough that the tray does not fill with finished work. */
export const FADE_AFTER_MS = 4000;

export interface TrayEntry {
  job: Job;
  /** When a quietly finished job leaves the tray; null for jobs still running or needing attention. */
  fadeAt: number | null;
}

export interface TrayState {
  /** Jobs as last pushed by `jobs.onDidProgress`. */
  readonly pushed: ReadonlyMap<number, TrayEntry>;
  /** Jobs that left the tray; a stale `jobs.list` must not bring them back. */
  readonly gone: ReadonlySet<number>;
}

export type TrayAction =
  | { type: 'progress'; job: Job; now: number }
  | { type: 'expire'; now: number }
  | { type: 'dismiss'; id: number };

export const emptyTray: TrayState = { pushed: new Map(), gone: new Set() };

/** Failed and interrupted jobs stay until dismissed so their error can be read. */
function fadesOnItsOwn(job: Job): boolean {
  return job.state === 'done' || job.state === 'cancelled';
}

export function trayReducer(state: TrayState, action: TrayAction): TrayState {
  switch (action.type) {
    case 'progress': {
      const { job, now } = action;
      if (state.gone.has(job.id)) return state;
      const previous = state.pushed.get(job.id);
      const fadeAt = fadesOnItsOwn(job) ? (previous?.fadeAt ?? now + FADE_AFTER_MS) : null;
      return { ...state, pushed: new Map(state.pushed).set(job.id, { job, fadeAt }) };
    }
    case 'expire': {
      const expired = [...state.pushed.values()].filter(
        (entry) => entry.fadeAt !== null && entry.fadeAt <= action.now,
      );
      if (expired.length === 0) return state;
      return remove(
        state,
        expired.map((entry) => entry.job.id),
      );
    }
    case 'dismiss':
      return remove(state, [action.id]);
  }
}

function remove(state: TrayState, ids: readonly number[]): TrayState {
  const pushed = new Map(state.pushed);
  const gone = new Set(state.gone);
  for (const id of ids) {
    pushed.delete(id);
    gone.add(id);
  }
  return { pushed, gone };
}

/** When the next finished job should leave, so one timer can be armed for it. */
export function nextFadeAt(state: TrayState): number | null {
  let next: number | null = null;
  for (const { fadeAt } of state.pushed.values()) {
    if (fadeAt !== null && (next === null || fadeAt < next)) next = fadeAt;
  }
  return next;
}

/**
 * Merges the active jobs the host listed with what was pushed since, newest first. A pushed update
 * wins because it is live, unless the listed job is already final and the pushed one is not.
 */
export function visibleJobs(listed: readonly Job[], state: TrayState): TrayEntry[] {
  const byId = new Map<number, TrayEntry>();
  for (const job of listed) byId.set(job.id, { job, fadeAt: null });
  for (const [id, entry] of state.pushed) {
    const fromList = byId.get(id)?.job;
    const listIsFurther = fromList !== undefined && isFinal(fromList) && !isFinal(entry.job);
    if (!listIsFurther) byId.set(id, entry);
  }
  return [...byId.values()]
    .filter((entry) => !state.gone.has(entry.job.id))
    .sort((a, b) => b.job.id - a.job.id);
}

function isFinal(job: Job): boolean {
  return job.state !== 'queued' && job.state !== 'running';
}
