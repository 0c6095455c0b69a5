/**
 * Graft's public entry: `require('graft')` (or `require('.')` from the repo
 * root after `npm run build`).
 */
export * from './lib/errors';
export * from './pipelines';
export * from './lib/data';
export * from './lib/augment';
export * from './lib/models';
export * from './lib/store';
export * from './lib/report';
