import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import type { AtelierError, MethodInput, MethodName, MethodOutput } from '../../../core/api';
import { useClient } from './ClientContext';

/** Cache keys start with the method name, so invalidating `['folders.list']` refreshes every input of it. */
export function methodKey<M extends MethodName>(method: M, input?: MethodInput<M>): readonly unknown[] {
  return input === undefined ? [method] : [method, input];
}

type QueryOptions<M extends MethodName> = Omit<
  UseQueryOptions<MethodOutput<M>, AtelierError>,
  'queryKey' | 'queryFn'
>;

export function useMethodQuery<M extends MethodName>(
  method: M,
  input: MethodInput<M>,
  options?: QueryOptions<M>,
) {
  const client = useClient();
  return useQuery<MethodOutput<M>, AtelierError>({
    queryKey: methodKey(method, input),
    queryFn: () => client.invoke(method, input),
    ...options,
  });
}

export interface MethodMutationOptions<M extends MethodName> {
  /** Methods whose cached results this call makes stale. */
  invalidates?: readonly MethodName[];
  onSuccess?: (output: MethodOutput<M>, input: MethodInput<M>) => void;
}

export function useMethodMutation<M extends MethodName>(method: M, options: MethodMutationOptions<M> = {}) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation<MethodOutput<M>, AtelierError, MethodInput<M>>({
    mutationFn: (input) => client.invoke(method, input),
    onSuccess: async (output, input) => {
      options.onSuccess?.(output, input);
      await Promise.all(
        (options.invalidates ?? []).map((name) => queryClient.invalidateQueries({ queryKey: [name] })),
      );
    },
  });
}
