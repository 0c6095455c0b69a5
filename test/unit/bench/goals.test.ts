import { goalsSection, type Results } from '../../../bench/report';
import type { BenchRecord, Headline } from '../../../bench/util';
import { headlineMet } from '../../../bench/util';

const record = (name: string, headline?: Headline, moreHeadlines?: Headline[]): BenchRecord => ({
  name, title: name, quick: false, startedAt: '2026-12-01T10:00:00.000Z', loadAtStart: 1.5, seconds: 1,
  machine: { cpuModel: 'c', logicalCores: 2, memoryGiB: 1, node: 'v20', tfjs: '4', tfjsBackend: 'tensorflow', nativeTensorflow: '2' },
  ...(headline ? { headline } : {}), ...(moreHeadlines ? { moreHeadlines } : {}), result: {},
});

test('a headline meets its goal at or past it, in the direction it names', () => {
  expect(headlineMet({ value: 0.02, goal: 0.02, better: 'lower', unit: 'fraction', what: '' })).toBe(true);
  expect(headlineMet({ value: 0.021, goal: 0.02, better: 'lower', unit: 'fraction', what: '' })).toBe(false);
  expect(headlineMet({ value: 1.4, goal: 1.5, better: 'higher', unit: '× Keras', what: '' })).toBe(false);
  expect(headlineMet({ value: 1.5, goal: 1.5, better: 'higher', unit: '× Keras', what: '' })).toBe(true);
});

test('the goals table has a row per headline, in the issue\'s order, and names the goal benchmarks without one', () => {
  const md = goalsSection({
    cache: record('cache', { value: 0.031, goal: 0.05, better: 'lower', unit: 'fraction of the first run', what: 're-run ÷ first' }),
    orchestration: record('orchestration', { value: 0.015, goal: 0.02, better: 'lower', unit: 'fraction of the run', what: 'large' },
      [{ value: 0.07, goal: 0.05, better: 'lower', unit: 'fraction of the run', what: 'small' }]),
    head: record('head', { value: 1.62, goal: 1.5, better: 'higher', unit: '× Keras', what: 'steady epoch' }),
  } as Results);
  const rows = md.split('\n').slice(2);
  expect(rows.map((r) => r.split(' | ')[0]!.replace('| ', ''))).toEqual(['orchestration', 'orchestration', 'head', 'cache', 'end-to-end', 'extract']);
  expect(rows[0]).toContain('**1.5%** | ≤ 2.0% | yes');
  expect(rows[1]).toContain('**7.0%** | ≤ 5.0% | no');
  expect(rows[2]).toContain('**1.62× Keras** | ≥ 1.50× Keras | yes');
  expect(rows[4]).toContain('no headline');
});
