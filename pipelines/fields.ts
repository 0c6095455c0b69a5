/**
 * Schema builders that carry Graft's error wording, so that every leaf says
 * what is allowed ("must be a number from 0 to 180"). The problem formatter
 * appends what was found (", got "lots"").
 */
import { z } from 'zod';
import { showValue } from './show-value';

/** A number in [min, max]; `exclusiveMax` makes the upper bound open. */
export function numberIn(min: number, max: number, options: { exclusiveMax?: boolean } = {}) {
  const upper = options.exclusiveMax ? `up to (not including) ${max}` : `to ${max}`;
  const error = `must be a number from ${min} ${upper}`;
  const number = z.number({ error }).min(min, { error });
  return options.exclusiveMax ? number.lt(max, { error }) : number.max(max, { error });
}

/** A number strictly above `min`, at most `max`. */
export function numberAbove(min: number, max: number) {
  const error = `must be a number above ${min} and at most ${max}`;
  return z.number({ error }).gt(min, { error }).max(max, { error });
}

/** A whole number in [min, max]. */
export function integerIn(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** Any whole number (seeds). */
export function integer() {
  const error = 'must be a whole number';
  return z.number({ error }).int({ error });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(' | ')}` });
}

export function boolean() {
  return z.boolean({ error: 'must be true or false' });
}

/** A non-empty string matching `pattern`; `what` says what it must look like. */
export function text(what: string, pattern = /\S/) {
  const error = `must be ${what}`;
  return z.string({ error }).regex(pattern, { error });
}

/** A YAML mapping / TS object that rejects unknown keys (reported with a suggestion). */
export function section<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, { error: 'must be a mapping (key: value pairs)' });
}

/**
 * A section whose every field has a default: leaving it out, or leaving it
 * empty in YAML (`augment:` with all its lines commented out, which reads as
 * null), gives the defaults.
 */
export function defaultedSection<T extends z.ZodType>(schema: T) {
  const empty = {} as z.input<T>; // callers pass sections whose fields all have defaults
  return schema
    .nullable()
    .prefault(empty)
    .transform((value): z.output<T> => value ?? schema.parse(empty));
}

/** A `[min, max]` pair of numbers in `element` with min <= max. */
export function orderedPair(element: z.ZodNumber, what: string) {
  return z
    .tuple([element, element], { error: `must be ${what}` })
    .refine(([min, max]) => min <= max, {
      error: (issue) => `min must not exceed max in [min, max], got ${showValue(issue.input)}`,
    });
}

/**
 * A superRefine check that exactly one of `keys` is set (not undefined/null).
 * It only looks at presence, so it can run even when other fields failed.
 */
export function exactlyOne(keys: readonly string[]) {
  return (value: Record<string, unknown>, ctx: z.core.$RefinementCtx<Record<string, unknown>>): void => {
    const set = keys.filter((key) => value[key] !== undefined && value[key] !== null);
    if (set.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      path: set.length > 1 ? [set[1]] : [],
      message:
        set.length > 1
          ? `set only one of ${keys.join(' / ')}, not both`
          : `needs exactly one of ${keys.join(' / ')}`,
    });
  };
}

/** Runs a check whenever the value is an object, even if some of its fields failed. */
export const WHEN_OBJECT = {
  when: (payload: { value: unknown }): boolean => typeof payload.value === 'object' && payload.value !== null,
};
