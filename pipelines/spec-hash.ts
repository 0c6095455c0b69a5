import { createHash } from 'node:crypto';
import type { PipelineSpec } from './schema';

/** JSON with object keys sorted at every level, so equal specs serialize equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) of the canonical JSON of a normalized spec: the same pipeline gives the same hash. */
export function specHash(spec: PipelineSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

/** Spec fields that do not change the trained model: its name, when it runs, where it runs, and cache reuse. */
export const NOT_MODEL_FIELDS = ['name', 'schedule', 'queues', 'cache'] as const;

/**
 * sha256 (hex) of the normalized spec without `NOT_MODEL_FIELDS`: it changes
 * exactly when a setting that shapes the model changes (data selection and
 * split, augmentation, base, mode, head, training, fine-tuning). Scheduled
 * runs compare it with the current model's to decide whether to retrain.
 */
export function modelSpecHash(spec: PipelineSpec): string {
  const modelFields = Object.fromEntries(Object.entries(spec).filter(([field]) => !(NOT_MODEL_FIELDS as readonly string[]).includes(field)));
  return createHash('sha256').update(canonicalJson(modelFields)).digest('hex');
}
