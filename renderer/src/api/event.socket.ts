import type { ConnectionState } from './transport';
import { isObject } from './wire';

/** The part of the browser WebSocket this file uses, so tests can hand in a fake. */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 15_000 };

/** Delay before reconnect attempt `attempt` (0-based): doubles each time, capped, so a restarting server is found quickly. */
export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt);
}

/**
 * One WebSocket for all events of the serve-mode host. It opens on the first subscription and
 * reconnects with backoff until disposed, because the server may restart under a long-lived tab.
 */
export class EventSocket {
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private socket: SocketLike | null = null;
  private retryHandle: unknown = null;
  private attempt = 0;
  private started = false;
  private disposed = false;
  private state: ConnectionState = 'closed';

  constructor(
    private readonly url: string,
    private readonly createSocket: (url: string) => SocketLike,
    private readonly timers: Timers = globalThis,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {}

  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    this.start();
    return () => set.delete(listener);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    this.start();
    return () => this.stateListeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryHandle !== null) this.timers.clearTimeout(this.retryHandle);
    this.retryHandle = null;
    this.socket?.close();
    this.socket = null;
    this.listeners.clear();
    this.stateListeners.clear();
  }

  private start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.connect();
  }

  private connect(): void {
    this.retryHandle = null;
    this.setState('connecting');
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState('open');
    };
    socket.onmessage = (message) => this.dispatch(message.data);
    // A failed handshake fires error then close; reconnecting from close alone avoids doubling attempts.
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.setState('closed');
    if (this.disposed) return;
    const delay = backoffDelay(this.attempt, this.backoff);
    this.attempt += 1;
    this.retryHandle = this.timers.setTimeout(() => this.connect(), delay);
  }

  private dispatch(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!isObject(message) || typeof message.event !== 'string') return;
    for (const listener of [...(this.listeners.get(message.event) ?? [])]) {
      try {
        listener(message.payload);
      } catch (error) {
        console.error(`listener for ${message.event} failed`, error);
      }
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}
