/** Where the workflow entry point lives, for the worker's bundler. Not part of the workflow bundle itself. */
import { fileURLToPath } from 'node:url';

export const workflowsPath = fileURLToPath(new URL('./index.ts', import.meta.url));
