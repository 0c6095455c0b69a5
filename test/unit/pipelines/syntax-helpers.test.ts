import { closestMatch, editDistance } from '../../../pipelines/did-you-mean';
import { cronProblem, intervalSeconds } from '../../../pipelines/schedule-syntax';

describe('did you mean', () => {
  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests close names, typos in a prefix, and nothing for unrelated words', () => {
    const keys = ['rotationRange', 'widthShiftRange', 'zoomRange', 'fillMode', 'seed'];
    expect(closestMatch('zoomrange', keys)).toBe('zoomRange');
    expect(closestMatch('fillmod', keys)).toBe('fillMode');
    expect(closestMatch('rotaton', keys)).toBe('rotationRange');
    expect(closestMatch('sed', keys)).toBe('seed');
    expect(closestMatch('banana', keys)).toBeUndefined();
  });
});

describe('cron and interval syntax', () => {
  it.each(['0 3 * * *', '*/15 * * * *', '0 0 1,15 * mon-fri', '30 2 * jan-mar 0', '0 9-17/2 * * 1-5'])('accepts %s', (cron) => {
    expect(cronProblem(cron)).toBeUndefined();
  });

  it.each([
    ['0 3 * *', /5 fields/],
    ['0 3 * * * *', /5 fields/],
    ['60 * * * *', /minute/],
    ['0 24 * * *', /hour/],
    ['0 0 0 * *', /day of month/],
    ['0 0 * 13 *', /month/],
    ['0 0 * * 8', /day of week/],
    ['5-1 * * * *', /minute/],
    ['*/0 * * * *', /minute/],
    ['@daily', /5 fields/],
  ])('rejects %s', (cron, why) => {
    expect(cronProblem(cron)).toMatch(why);
  });

  it('reads intervals in seconds, minutes, hours and days', () => {
    expect(intervalSeconds('30s')).toBe(30);
    expect(intervalSeconds('15m')).toBe(900);
    expect(intervalSeconds('6h')).toBe(21600);
    expect(intervalSeconds('2d')).toBe(172800);
    for (const bad of ['0h', '6', 'h', '6 h', '1.5h', '6x', '-1m']) expect(intervalSeconds(bad)).toBeUndefined();
  });
});
