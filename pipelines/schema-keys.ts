/**
 * Finds the allowed keys of the object schema at a path, by walking the zod
 * definitions (wrappers, pipes, unions). Used for "did you mean" on unknown keys.
 */
import type { z } from 'zod';
import type { SpecPath } from './problems';

type Def = {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly element?: z.core.$ZodType;
  readonly items?: readonly z.core.$ZodType[];
};

const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as Def;

/** The object schemas `schema` can be, seen through wrappers, pipes and unions. */
function objectsOf(schema: z.core.$ZodType): Def[] {
  const def = defOf(schema);
  if (def.type === 'object') return [def];
  const inner = def.innerType ?? def.in;
  if (inner) return objectsOf(inner);
  return def.options?.flatMap(objectsOf) ?? [];
}

/** Schemas that can appear at `part` below `schema`. */
function childrenOf(schema: z.core.$ZodType, part: string | number): z.core.$ZodType[] {
  const def = defOf(schema);
  const inner = def.innerType ?? def.in;
  if (inner) return childrenOf(inner, part);
  if (def.options) return def.options.flatMap((option) => childrenOf(option, part));
  if (def.type === 'object') return def.shape && part in def.shape ? [def.shape[part]] : [];
  if (def.type === 'array' && def.element) return [def.element];
  if (def.type === 'tuple' && typeof part === 'number' && def.items?.[part]) return [def.items[part]];
  return [];
}

export function allowedKeys(schema: z.core.$ZodType, path: SpecPath): string[] {
  let schemas = [schema];
  for (const part of path) schemas = schemas.flatMap((s) => childrenOf(s, part));
  return [...new Set(schemas.flatMap(objectsOf).flatMap((def) => Object.keys(def.shape ?? {})))];
}
