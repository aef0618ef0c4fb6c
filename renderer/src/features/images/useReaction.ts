import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useClient, type AtelierError, type MethodOutput } from '../../api';
import { patchReactions, withReaction, type ReactionFlags } from './images.pages';
import type { ReactionKind } from './images.search';

/** Caches that can hold an image's reactions; Library pages that show images read `loras.get`. */
const HOLDERS = ['images.list', 'images.get', 'loras.get'] as const;

function writeReactions(queryClient: QueryClient, imageId: number, reactions: ReactionFlags) {
  for (const method of HOLDERS)
    queryClient.setQueriesData({ queryKey: [method] }, (cached: unknown) =>
      patchReactions(cached, imageId, reactions),
    );
}

interface Variables {
  kind: ReactionKind;
  on: boolean;
  /** The flags on screen when clicked: what to put back if the engine refuses. */
  before: ReactionFlags;
}

/**
 * Reacting shows at once and is confirmed by the engine. Each call says on or off rather than "toggle",
 * and calls for one image run in order, so a quick double click ends where the screen says it did.
 */
export function useReaction(imageId: number) {
  const client = useClient();
  const queryClient = useQueryClient();
  const mutation = useMutation<MethodOutput<'images.react'>, AtelierError, Variables>({
    scope: { id: `images.react:${imageId}` },
    mutationFn: ({ kind, on }) => client.invoke('images.react', { imageId, kind, on }),
    onMutate: ({ kind, on, before }) => writeReactions(queryClient, imageId, withReaction(before, kind, on)),
    onError: (_error, { before }) => writeReactions(queryClient, imageId, before),
    onSuccess: (result) => writeReactions(queryClient, imageId, result.reactions),
  });
  return {
    toggle: (kind: ReactionKind, current: ReactionFlags) =>
      mutation.mutate({ kind, on: !current[kind], before: current }),
    error: mutation.error,
  };
}
