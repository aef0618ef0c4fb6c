import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useState } from 'react';
import { ClientProvider, type RendererClient } from '../api';
import { createAppRouter } from './router';

function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // The host is local: a failure is an answer (missing folder, bad input), not network flakiness worth retrying.
      queries: { retry: false, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
}

export function App({ client }: { client: RendererClient }) {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createAppRouter);
  return (
    <ClientProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ClientProvider>
  );
}
