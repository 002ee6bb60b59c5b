import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError, setUnauthenticatedHandler } from './app/api.ts';
import { PreferencesProvider } from './app/preferences.tsx';
import { createRouter } from './app/router.tsx';
import { SESSION_KEY } from './app/session.ts';
import './styles.css';

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not get better by asking again; a network blip might.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});
setUnauthenticatedHandler(() => client.setQueryData(SESSION_KEY, null));

const root = document.getElementById('root');
if (root === null) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <PreferencesProvider>
        <RouterProvider router={createRouter()} />
      </PreferencesProvider>
    </QueryClientProvider>
  </StrictMode>,
);
