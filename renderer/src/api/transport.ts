/** Whether pushed events can currently arrive; the UI refetches on `open` because events may have been missed. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * The untyped half of the client: moves a method call or an event across one host boundary.
 * `invoke` rejects with `AtelierError` only, so the UI can rely on `error.code`.
 */
export interface Transport {
  invoke(method: string, input: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  mediaUrl(kind: MediaKind, id: number): string;
  dispose(): void;
}

/** The kinds `media.locate` serves; the host turns one into a file, the renderer never sees a path. */
export type MediaKind = 'image' | 'thumbnail' | 'lora-preview';
