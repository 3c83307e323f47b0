/**
 * The API reference page (`/reference.html`): Scalar's renderer, from npm and bundled with the app (no CDN), over
 * the OpenAPI document the API generates from @wakeflow/contracts. A page of its own, because the renderer moves
 * between operations with the URL hash, which the app's router owns; and so the app's bundle does not carry it.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiReferenceReact } from '@scalar/api-reference-react';
import '@scalar/api-reference-react/style.css';
import { referenceConfiguration } from './configuration';

createRoot(document.getElementById('reference')!).render(
  <StrictMode>
    <ApiReferenceReact configuration={referenceConfiguration} />
  </StrictMode>,
);
