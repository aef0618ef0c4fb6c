import {
  AtelierError,
  events,
  hostMethods,
  methods,
  type AtelierClient,
  type EventName,
  type EventPayload,
  type HostMethodInput,
  type HostMethodInvoker,
  type HostMethodName,
  type HostMethodOutput,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../../core/api';
import type { ConnectionState, MediaKind, Transport } from './transport';

export type HostMode = 'electron' | 'serve';

/** core/api names Disposable only through AtelierClient; taking it from there keeps the renderer off core/common. */
type Disposable = ReturnType<AtelierClient['subscribe']>;

export interface RendererClient extends AtelierClient {
  readonly mode: HostMode;
  /** Native-only methods (folder picker); undefined in serve mode, where the UI offers a path field instead. */
  readonly hostInvoke: HostMethodInvoker | undefined;
  /** A URL an <img> can load for a stored item; the path on disk never reaches the renderer. */
  mediaUrl(kind: MediaKind, id: number): string;
  onConnectionChange(listener: (state: ConnectionState) => void): Disposable;
  dispose(): void;
}

export interface ClientOptions {
  mode: HostMode;
  /** Check every output and event against the contract; on in development to catch host drift early. */
  validate: boolean;
}

interface Parser {
  safeParse(
    value: unknown,
  ): { success: true; data: unknown } | { success: false; error: { message: string } };
}

function checked(schema: Parser, value: unknown, what: string): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  console.error(`${what} does not match the contract`, result.error, value);
  throw new AtelierError('INTERNAL', `${what} does not match the contract: ${result.error.message}`);
}

export function createClient(transport: Transport, options: ClientOptions): RendererClient {
  async function invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const value = await transport.invoke(method, input);
    return (
      options.validate ? checked(methods[method].output, value, `The result of ${method}`) : value
    ) as MethodOutput<M>;
  }

  async function hostInvoke<M extends HostMethodName>(
    method: M,
    input: HostMethodInput<M>,
  ): Promise<HostMethodOutput<M>> {
    const value = await transport.invoke(method, input);
    return (
      options.validate ? checked(hostMethods[method].output, value, `The result of ${method}`) : value
    ) as HostMethodOutput<M>;
  }

  function subscribe<E extends EventName>(
    event: E,
    listener: (payload: EventPayload<E>) => void,
  ): Disposable {
    const off = transport.subscribe(event, (payload) => {
      if (!options.validate) {
        listener(payload as EventPayload<E>);
        return;
      }
      const result = events[event].payload.safeParse(payload);
      if (result.success) listener(result.data as EventPayload<E>);
      else console.error(`Dropped a ${event} event that does not match the contract`, result.error, payload);
    });
    return { dispose: off };
  }

  return {
    mode: options.mode,
    hostInvoke: options.mode === 'electron' ? hostInvoke : undefined,
    invoke,
    subscribe,
    mediaUrl: (kind, id) => transport.mediaUrl(kind, id),
    onConnectionChange: (listener) => ({ dispose: transport.onConnectionChange(listener) }),
    dispose: () => transport.dispose(),
  };
}
