import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, EventSocket, type SocketLike } from './event.socket';
import type { ConnectionState } from './transport';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  closed = false;
  close() {
    this.closed = true;
  }
  /** What a browser does when the server drops or refuses the connection. */
  drop() {
    this.onerror?.({});
    this.onclose?.({});
  }
}

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const backoff = { initialMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, backoff))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('EventSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup() {
    const sockets: FakeSocket[] = [];
    const events = new EventSocket(
      'ws://h/api/events',
      () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      globalThis,
      { initialMs: 100, maxMs: 400 },
    );
    const states: ConnectionState[] = [];
    events.onConnectionChange((state) => states.push(state));
    return { events, sockets, states };
  }

  it('reconnects with growing delays and resets them once a connection opens', () => {
    const { events, sockets, states } = setup();
    expect(sockets).toHaveLength(1);

    sockets[0]!.drop();
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);

    sockets[1]!.drop();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    sockets[2]!.onopen?.({});
    sockets[2]!.drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(4);

    expect(states).toEqual([
      'closed',
      'connecting',
      'closed',
      'connecting',
      'closed',
      'connecting',
      'open',
      'closed',
      'connecting',
    ]);
    events.dispose();
  });

  it('keeps listeners across reconnects', () => {
    const { events, sockets } = setup();
    const seen: unknown[] = [];
    events.subscribe('jobs.onDidProgress', (payload) => seen.push(payload));

    sockets[0]!.drop();
    vi.advanceTimersByTime(100);
    sockets[1]!.onmessage?.({ data: JSON.stringify({ event: 'jobs.onDidProgress', payload: 1 }) });

    expect(seen).toEqual([1]);
    events.dispose();
  });

  it('stops reconnecting once disposed', () => {
    const { events, sockets } = setup();
    sockets[0]!.drop();
    events.dispose();
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
  });

  it('isolates a throwing listener from the others', () => {
    const { events, sockets } = setup();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: unknown[] = [];
    events.subscribe('e', () => {
      throw new Error('boom');
    });
    events.subscribe('e', (payload) => seen.push(payload));

    sockets[0]!.onmessage?.({ data: JSON.stringify({ event: 'e', payload: 'x' }) });

    expect(seen).toEqual(['x']);
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
    events.dispose();
  });
});
