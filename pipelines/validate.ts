/** Validation of pipeline input (from YAML or TS) into the normalized `PipelineSpec`. */
import type { Locator, PipelineProblem } from './problems';
import { issueProblems, specError } from './problems';
import { pipelineSchema } from './schema';
import type { PipelineSpec } from './schema';
import { allowedKeys } from './schema-keys';

export type PipelineCheck =
  | { readonly ok: true; readonly spec: PipelineSpec }
  | { readonly ok: false; readonly problems: readonly PipelineProblem[] };

/** Every problem in `input` at once, or the normalized spec. `locate` adds line:column. */
export function checkPipeline(input: unknown, locate?: Locator): PipelineCheck {
  const result = pipelineSchema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, spec: result.data };
  const keysAt = (path: readonly (string | number)[]) => allowedKeys(pipelineSchema, path);
  const problems = result.error.issues.flatMap((issue) => issueProblems(issue, keysAt, locate));
  return { ok: false, problems: locate ? sortByPosition(problems) : problems };
}

/**
 * Validates and normalizes a pipeline; throws `SpecError` listing every
 * problem. `source` names the input in the message (a file name, say).
 */
export function validatePipeline(input: unknown, source = sourceName(input), locate?: Locator): PipelineSpec {
  const check = checkPipeline(input, locate);
  if (!check.ok) throw specError(source, check.problems);
  return check.spec;
}

function sourceName(input: unknown): string {
  const name = typeof input === 'object' && input !== null ? (input as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? `pipeline "${name}"` : 'pipeline';
}

/** File order reads best; problems without a position keep their place at the end. */
function sortByPosition(problems: PipelineProblem[]): PipelineProblem[] {
  const key = (p: PipelineProblem) => (p.position ? p.position.line * 1e6 + p.position.col : Infinity);
  return problems.map((p, i) => ({ p, i })).sort((a, b) => key(a.p) - key(b.p) || a.i - b.i).map(({ p }) => p);
}
