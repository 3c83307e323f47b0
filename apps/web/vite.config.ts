/**
 * The editor is a static single-page app: `vite` serves it in development with `/api` proxied to the API,
 * `vite build` writes `dist/`, which the API serves in production.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
// With its extension: Vite's native config loader (Node) resolves no extensionless paths.
import { devContentSecurityPolicy, securityHeaders, serializeCsp } from './security-headers.ts';

const apiPort = process.env.API_PORT ?? '3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': `http://127.0.0.1:${apiPort}` },
    // The editor URL start.sh prints is this server: the same headers as the API sends with the built app, but a
    // CSP that lets React Refresh's inline preamble run (see security-headers.ts).
    headers: { ...securityHeaders, 'Content-Security-Policy': serializeCsp(devContentSecurityPolicy) },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    // The API reference is a page of its own (src/reference/main.tsx), so the editor's bundle does not carry it.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        reference: fileURLToPath(new URL('./reference.html', import.meta.url)),
      },
    },
  },
});
