/**
 * All tables, one file per area. Migrations are generated from this folder with drizzle-kit
 * (`pnpm db:generate`, serialised with flock because several people may generate at once).
 */
export * from './core';
export * from './audience';
export * from './channels';
export * from './service-tasks';
export * from './auth';
export * from './analytics';
