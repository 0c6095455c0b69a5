/**
 * Graft's public entry: `require('graft')` (or `require('.')` from the repo
 * root after `npm run build`).
 */
export * from './lib/errors';
