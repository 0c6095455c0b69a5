/**
 * Syntax checks for `schedule.cron` (5 fields, as Temporal schedules take
 * them) and `schedule.every` (`<n>s|m|h|d`).
 */

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

/** Why `expression` is not a valid 5-field cron expression, or undefined if it is. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== CRON_FIELDS.length) {
    return `must have 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`;
  }
  for (const [i, field] of CRON_FIELDS.entries()) {
    if (!parts[i].split(',').every((item) => cronItemOk(item, field))) {
      return `bad ${field.name} field "${parts[i]}" (allowed: *, ${field.min}-${field.max}, lists a,b, ranges a-b, steps */n)`;
    }
  }
  return undefined;
}

function cronItemOk(item: string, field: CronField): boolean {
  const match = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(item);
  if (!match) return false;
  const [, range, step] = match;
  if (step !== undefined && Number(step) < 1) return false;
  if (range === '*') return true;
  const bounds = range.split('-').map((value) => cronValue(value, field));
  if (bounds.some((value) => value === undefined)) return false;
  return bounds.length === 1 || (bounds[0] as number) <= (bounds[1] as number);
}

function cronValue(value: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(value.toLowerCase()) ?? -1;
  if (named >= 0) return named + (field.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(value)) return undefined;
  const number = Number(value);
  return number >= field.min && number <= field.max ? number : undefined;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Seconds in an interval such as `6h`, or undefined when it is not `<n>s|m|h|d` with n >= 1. */
export function intervalSeconds(interval: string): number | undefined {
  const match = /^([1-9]\d{0,5})([smhd])$/.exec(interval);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}
