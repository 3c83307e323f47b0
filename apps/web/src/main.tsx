/** Entry point: one query client for the app, then the routed pages. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App';
import { retryQuery, retryQueryDelay } from './api/client';

const queryClient = new QueryClient({
  // A 4xx will not get better by asking again; a 503 outage will, after the server's Retry-After.
  defaultOptions: { queries: { retry: retryQuery, retryDelay: retryQueryDelay } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
