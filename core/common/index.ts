export { DisposableStore, toDisposable } from './disposable';
export type { Disposable } from './disposable';
export { Emitter } from './event';
export type { Event } from './event';
