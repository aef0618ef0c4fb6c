import { AtelierError, ErrorCode } from '../../core/api';
import type { BridgeResult } from '../../core/api';
import { Emitter } from '../../core/common';
import type { Disposable, Event } from '../../core/common';
import type { Engine, EngineEvent } from '../../core/engine.types';
import { isFromEngineMessage } from './engine-protocol';
import type { ToEngineMessage } from './engine-protocol';

/** The slice of Electron's `UtilityProcess` the client uses; tests pass a fake. */
export interface EngineChild {
  postMessage(message: ToEngineMessage): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface EngineClientOptions {
  /** Starts a fresh engine process. */
  readonly fork: () => EngineChild;
  /** Crashes tolerated within `crashWindowMs` before the client stops restarting. Default 3. */
  readonly maxCrashes?: number;
  readonly crashWindowMs?: number;
  /** How long `shutdown` waits for a clean exit before killing. Default 3000. */
  readonly shutdownTimeoutMs?: number;
  readonly now?: () => number;
  /** Told about every unexpected exit, and whether the client restarted the process. */
  readonly onCrash?: (info: { code: number; restarted: boolean }) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: AtelierError): void;
}

/**
 * Main's handle on the engine in its utility process: the same `invoke`/`onEvent` shape as an
 * in-process Engine, with request ids correlating answers to calls.
 */
export class EngineClient implements Pick<Engine, 'invoke' | 'onEvent'>, Disposable {
  private readonly events = new Emitter<EngineEvent>();
  readonly onEvent: Event<EngineEvent> = this.events.event;

  private child: EngineChild | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private crashes: number[] = [];
  private stoppedReason: string | undefined;
  private disposed = false;
  private exited: Promise<void> | undefined;

  constructor(private readonly options: EngineClientOptions) {
    this.start();
  }

  invoke(method: string, input: unknown): Promise<unknown> {
    if (this.disposed) return Promise.reject(new AtelierError('INTERNAL', 'Atelier is shutting down.'));
    const child = this.child;
    if (child === undefined) {
      return Promise.reject(new AtelierError('INTERNAL', this.stoppedReason ?? 'The engine is not running.'));
    }
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        child.postMessage({ type: 'invoke', id, method, input });
      } catch (error) {
        // Input that structured clone rejects (a function, a DOM object) never reaches the engine.
        this.pending.delete(id);
        reject(
          new AtelierError('INVALID_INPUT', `Could not send ${method} to the engine: ${messageOf(error)}`),
        );
      }
    });
  }

  /** Asks the engine to close its database and exit; kills it if it does not within the timeout. */
  shutdown(): Promise<void> {
    if (this.disposed) return this.exited ?? Promise.resolve();
    this.disposed = true;
    this.rejectAll('Atelier is shutting down.');
    const child = this.child;
    this.child = undefined;
    this.events.dispose();
    if (child === undefined) return Promise.resolve();
    this.exited = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, this.options.shutdownTimeoutMs ?? 3000);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        child.postMessage({ type: 'dispose' });
      } catch {
        clearTimeout(timer);
        child.kill();
        resolve();
      }
    });
    return this.exited;
  }

  dispose(): void {
    void this.shutdown();
  }

  private start(): void {
    const child = this.options.fork();
    this.child = child;
    child.on('message', (message) => this.onMessage(child, message));
    child.on('exit', (code) => this.onExit(child, code));
  }

  private onMessage(from: EngineChild, message: unknown): void {
    if (from !== this.child) return;
    if (!isFromEngineMessage(message)) {
      console.warn('[engine-client] ignored a malformed message from the engine');
      return;
    }
    switch (message.type) {
      case 'event':
        // The child only forwards what its engine fired, so the name is one of the contract's events.
        this.events.fire({ event: message.event, payload: message.payload } as EngineEvent);
        return;
      case 'result': {
        const pending = this.pending.get(message.id);
        if (pending === undefined) return;
        this.pending.delete(message.id);
        settle(pending, message.result);
        return;
      }
    }
  }

  private onExit(from: EngineChild, code: number): void {
    if (from !== this.child || this.disposed) return;
    this.child = undefined;
    this.rejectAll(`The engine stopped unexpectedly (exit code ${code}) while answering; try again.`);

    const now = (this.options.now ?? Date.now)();
    const windowMs = this.options.crashWindowMs ?? 60_000;
    this.crashes = [...this.crashes.filter((at) => now - at < windowMs), now];
    const restarted = this.crashes.length <= (this.options.maxCrashes ?? 3);
    if (restarted) {
      this.start();
    } else {
      this.stoppedReason =
        `The engine crashed ${this.crashes.length} times in a minute and was not restarted (last exit code ${code}). ` +
        'Restart Atelier; if it keeps happening, start it from a terminal to see the engine log.';
    }
    this.options.onCrash?.({ code, restarted });
  }

  private rejectAll(message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const call of pending) call.reject(new AtelierError('INTERNAL', message));
  }
}

function settle(pending: Pending, result: BridgeResult): void {
  if (result.ok) {
    pending.resolve(result.value);
    return;
  }
  const code = ErrorCode.safeParse(result.error.code);
  pending.reject(
    new AtelierError(code.success ? code.data : 'INTERNAL', result.error.message, result.error.details),
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
