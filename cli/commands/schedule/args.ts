/** Parsing `graft schedule …` arguments: pure, so every usage error is unit-tested. */
import { parseArgs } from 'node:util';
import type { OverlapName, ScheduleTiming } from '../../../runtime/schedules';
import { OVERLAP_NAMES, isOverlapName, timingProblem } from '../../../runtime/schedules';
import { intervalSeconds } from '../../../pipelines/schedule-syntax';
import { UsageError, isParseArgsError } from '../../usage-error';

export const USAGES = {
  create: 'graft schedule create <spec> [--cron "M H DoM Mon DoW" | --every 6h] [--only-if-data-changed] [--overlap POLICY] [--catchup-window 1m] [--id ID]',
  list: 'graft schedule list',
  describe: 'graft schedule describe <id>',
  pause: 'graft schedule pause <id> [--note TEXT]',
  unpause: 'graft schedule unpause <id> [--note TEXT]',
  trigger: 'graft schedule trigger <id> [--overlap POLICY]',
  delete: 'graft schedule delete <id>',
} as const;

export type ScheduleAction = keyof typeof USAGES;

export const USAGE = `graft schedule create|list|describe|pause|unpause|trigger|delete …   (POLICY: ${OVERLAP_NAMES.join('|')})`;

export type ScheduleArgs =
  | {
    readonly action: 'create';
    readonly specPath: string;
    /** Absent: the spec's own `schedule:` block decides. */
    readonly timing?: ScheduleTiming;
    /** Absent: the spec's `schedule.onlyIfDataChanged`. */
    readonly onlyIfDataChanged?: true;
    readonly overlap?: OverlapName;
    readonly catchupWindow?: string;
    readonly id?: string;
  }
  | { readonly action: 'list' }
  | { readonly action: 'describe' | 'delete'; readonly id: string }
  | { readonly action: 'pause' | 'unpause'; readonly id: string; readonly note?: string }
  | { readonly action: 'trigger'; readonly id: string; readonly overlap?: OverlapName };

function isAction(word: string | undefined): word is ScheduleAction {
  return word !== undefined && Object.prototype.hasOwnProperty.call(USAGES, word);
}

function overlapFlag(value: string | undefined, usage: string): OverlapName | undefined {
  if (value === undefined) return undefined;
  if (!isOverlapName(value)) throw new UsageError(`--overlap must be one of ${OVERLAP_NAMES.join(' | ')}, got "${value}"`, usage);
  return value;
}

function oneId(positionals: string[], usage: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError('expected one schedule id', usage);
  return positionals[0];
}

export function parseScheduleArgs(argv: readonly string[]): ScheduleArgs {
  const [word, ...rest] = argv;
  if (!isAction(word)) {
    throw new UsageError(word === undefined ? 'expected a schedule action' : `unknown schedule action "${word}"`, USAGE);
  }
  const usage = USAGES[word];
  // parseArgs' own errors (unknown flag, missing value) should show this action's usage, not the command's.
  const flagged = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      if (isParseArgsError(err)) throw new UsageError(err.message, usage);
      throw err;
    }
  };
  const common = { args: rest, allowPositionals: true, strict: true } as const;

  switch (word) {
    case 'create': {
      const { values, positionals } = flagged(() => parseArgs({
        ...common,
        options: {
          cron: { type: 'string' }, every: { type: 'string' }, 'only-if-data-changed': { type: 'boolean' },
          overlap: { type: 'string' }, 'catchup-window': { type: 'string' }, id: { type: 'string' },
        },
      }));
      if (positionals.length !== 1) throw new UsageError('expected one pipeline spec file', usage);
      if (values.cron !== undefined && values.every !== undefined) throw new UsageError('give --cron or --every, not both', usage);
      const timing: ScheduleTiming | undefined = values.cron !== undefined ? { cron: values.cron }
        : values.every !== undefined ? { every: values.every } : undefined;
      const problem = timing && timingProblem(timing);
      if (problem) throw new UsageError(`--${problem}`, usage);
      const catchup = values['catchup-window'];
      if (catchup !== undefined && intervalSeconds(catchup) === undefined) {
        throw new UsageError(`--catchup-window must be an interval <n>s|m|h|d, e.g. 1m, got "${catchup}"`, usage);
      }
      if (values.id !== undefined && !values.id.trim()) throw new UsageError('--id must not be empty', usage);
      const overlap = overlapFlag(values.overlap, usage);
      return {
        action: 'create',
        specPath: positionals[0]!,
        ...(timing ? { timing } : {}),
        ...(values['only-if-data-changed'] ? { onlyIfDataChanged: true as const } : {}),
        ...(overlap ? { overlap } : {}),
        ...(catchup !== undefined ? { catchupWindow: catchup } : {}),
        ...(values.id !== undefined ? { id: values.id } : {}),
      };
    }
    case 'list': {
      const { positionals } = flagged(() => parseArgs({ ...common, options: {} }));
      if (positionals.length > 0) throw new UsageError('list takes no arguments', usage);
      return { action: 'list' };
    }
    case 'pause':
    case 'unpause': {
      const { values, positionals } = flagged(() => parseArgs({ ...common, options: { note: { type: 'string' } } }));
      return { action: word, id: oneId(positionals, usage), ...(values.note !== undefined ? { note: values.note } : {}) };
    }
    case 'trigger': {
      const { values, positionals } = flagged(() => parseArgs({ ...common, options: { overlap: { type: 'string' } } }));
      const overlap = overlapFlag(values.overlap, usage);
      return { action: 'trigger', id: oneId(positionals, usage), ...(overlap ? { overlap } : {}) };
    }
    case 'describe':
    case 'delete': {
      const { positionals } = flagged(() => parseArgs({ ...common, options: {} }));
      return { action: word, id: oneId(positionals, usage) };
    }
  }
}
