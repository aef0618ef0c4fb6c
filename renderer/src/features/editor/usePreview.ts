import { useEffect, useRef, useState } from 'react';
import { useClient } from '../../api';
import { appendPathPoint, type PathPoint, type Preview, type PreviewInput } from './editor.format';
import { LatestOnlyQueue } from './preview.queue';

export interface PreviewState {
  /** The newest answer, kept while the next is computed so the read-outs never blank out mid-drag. */
  preview: Preview | undefined;
  error: unknown;
  /** The answer on screen is not for the latest values yet. */
  busy: boolean;
  /** The edited LoRA's positions on the plot so far, oldest first (raw units). */
  path: readonly PathPoint[];
}

interface Request {
  input: PreviewInput;
  key: string;
  trail: string;
}

interface Answer {
  trail: string;
  key: string;
  preview: Preview | undefined;
  error: unknown;
  path: PathPoint[];
}

const IDLE: PreviewState = { preview: undefined, error: null, busy: false, path: [] };

/**
 * Live read-outs for the sliders: every change of `input` asks `w2w.preview`, one request at a time
 * with the latest values. `trailKey` names what the plotted path belongs to (space, LoRA, axes); when
 * it changes the path starts over.
 */
export function usePreview(input: PreviewInput | null, trailKey: string): PreviewState {
  const client = useClient();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const trail = useRef(trailKey);
  const queueRef = useRef<LatestOnlyQueue<Request, Preview> | null>(null);

  // Made in an effect, not a memo: Strict Mode runs effects twice, and a disposed queue must not be reused.
  useEffect(() => {
    const earlier = (previous: Answer | null, request: Request) =>
      previous !== null && previous.trail === request.trail ? previous : null;
    const queue = new LatestOnlyQueue<Request, Preview>(
      (request) => client.invoke('w2w.preview', request.input),
      (preview, request) => {
        if (request.trail !== trail.current) return;
        setAnswer((previous) => {
          const path = earlier(previous, request)?.path ?? [];
          return {
            trail: request.trail,
            key: request.key,
            preview,
            error: null,
            path: preview.point ? appendPathPoint(path, preview.point) : path,
          };
        });
      },
      (error, request) => {
        if (request.trail !== trail.current) return;
        setAnswer((previous) => {
          const kept = earlier(previous, request);
          return {
            trail: request.trail,
            key: request.key,
            preview: kept?.preview,
            error,
            path: kept?.path ?? [],
          };
        });
      },
    );
    queueRef.current = queue;
    return () => {
      queue.dispose();
      queueRef.current = null;
    };
  }, [client]);

  const key = input === null ? null : JSON.stringify(input);
  useEffect(() => {
    const queue = queueRef.current;
    if (!queue) return;
    if (trail.current !== trailKey) {
      trail.current = trailKey;
      queue.clear();
    }
    if (key !== null) queue.push({ input: JSON.parse(key) as PreviewInput, key, trail: trailKey });
  }, [key, trailKey, client]);

  if (key === null) return IDLE;
  const current = answer !== null && answer.trail === trailKey ? answer : null;
  if (current === null) return { ...IDLE, busy: true };
  return { preview: current.preview, error: current.error, busy: current.key !== key, path: current.path };
}
