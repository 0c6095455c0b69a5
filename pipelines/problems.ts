/**
 * Turns zod issues into Graft's problem lines:
 * `augment.rotationRange (12:18): must be a number from 0 to 180, got "lots"`.
 */
import type { z } from 'zod';
import { SpecError } from '../lib/errors';
import { closestMatch } from './did-you-mean';
import { showValue } from './show-value';

export type SpecPath = readonly (string | number)[];

/** Where a problem is in the source file, 1-based. */
export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

/** Finds a path in the source: the value's position, or the key's with `at: 'key'`. */
export type Locator = (path: SpecPath, at: 'key' | 'value') => SourcePosition | undefined;

export interface PipelineProblem {
  readonly path: SpecPath;
  /** What is wrong and what is allowed. */
  readonly message: string;
  readonly position?: SourcePosition;
}

/** `dataset.imageSize[0]`; the empty path is the whole spec. */
export function pathText(path: SpecPath): string {
  if (path.length === 0) return '(top level)';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

export function formatProblem(problem: PipelineProblem): string {
  const where = problem.position ? ` (${problem.position.line}:${problem.position.col})` : '';
  return `${pathText(problem.path)}${where}: ${problem.message}`;
}

/** One `SpecError` for all problems, its message naming the source (file or pipeline). */
export function specError(source: string, problems: readonly PipelineProblem[]): SpecError {
  const lines = problems.map(formatProblem);
  const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  return new SpecError([`${source}: ${count} in the pipeline spec:`, ...lines.map((line) => `  ${line}`)].join('\n'), lines);
}

/** Allowed keys of the object found at `path` in `schema`, for "did you mean". */
export type KeysAt = (path: SpecPath) => readonly string[];

export function issueProblems(issue: z.core.$ZodIssue, keysAt: KeysAt, locate?: Locator): PipelineProblem[] {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = keysAt(path);
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: unknownKeyMessage(key, allowed),
      position: locate?.([...path, key], 'key'),
    }));
  }
  return [{ path, message: issueMessage(issue), position: locate?.(path, 'value') }];
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = closestMatch(key, allowed);
  return suggestion ? `unknown key; did you mean "${suggestion}"?` : `unknown key; allowed keys: ${allowed.join(', ')}`;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const input: unknown = issue.input;
  if (issue.code === 'custom') return issue.message; // rules word their own message
  if (issue.code === 'invalid_type' && input === undefined) return `is required; it ${issue.message}`;
  const got = `${issue.message}, got ${showValue(input)}`;
  if (issue.code === 'invalid_value' && typeof input === 'string') {
    const suggestion = closestMatch(input, issue.values.filter((v): v is string => typeof v === 'string'));
    if (suggestion) return `${got}; did you mean "${suggestion}"?`;
  }
  return got;
}
