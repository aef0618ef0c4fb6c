import type { Disposable } from '../common';
import type {
  EventName,
  EventPayload,
  HostMethodInput,
  HostMethodName,
  HostMethodOutput,
  MethodInput,
  MethodName,
  MethodOutput,
} from './methods';

/** What every host offers a caller: typed invoke over the method table and typed event subscription. */
export interface AtelierClient {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Disposable;
}

/** What Electron's preload exposes on `window.atelier`: untyped transport, typed by the renderer's client. */
export interface AtelierBridge {
  invoke(method: string, input: unknown): Promise<BridgeResult>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

/** Errors cross the Electron bridge as values: Electron strips custom error fields from rejections. */
export type BridgeResult =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } };

export type HostMethodInvoker = <M extends HostMethodName>(
  method: M,
  input: HostMethodInput<M>,
) => Promise<HostMethodOutput<M>>;
