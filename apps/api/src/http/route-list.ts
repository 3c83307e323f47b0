/**
 * Lists the routes registered in an Express app or router by walking its stack (Express 5 / router 2), so the
 * permission table can be checked against what really exists — routes other modules add are found without anyone
 * remembering to list them.
 */
import type { Express, Router } from 'express';

export interface RegisteredRoute {
  method: string;
  /** The path as registered, under the walked router's mount point: `/journeys/:id`. */
  path: string;
}

interface LayerLike {
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle?: { stack?: LayerLike[] };
  rawPath?: unknown;
}

function walk(stack: LayerLike[], prefix: string, out: RegisteredRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        if (typeof p !== 'string') continue;
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: `${prefix}${p}` });
        }
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, `${prefix}${mount}`, out);
    }
  }
}

export function listRoutes(appOrRouter: Express | Router): RegisteredRoute[] {
  const holder = appOrRouter as unknown as { router?: { stack: LayerLike[] }; stack?: LayerLike[] };
  const stack = holder.stack ?? holder.router?.stack ?? [];
  const out: RegisteredRoute[] = [];
  walk(stack, '', out);
  return out;
}
