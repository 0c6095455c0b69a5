export type { ObjectStore } from './object-store';
