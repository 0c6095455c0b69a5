import { progressBar, renderRun, reuseSummary } from '../../../runtime/progress-view';
import type { RunSnapshot } from '../../../runtime/runs';

const snapshot: RunSnapshot = {
  runId: 'demo-1',
  status: 'RUNNING',
  progress: {
    pipeline: 'demo', runId: 'demo-1', status: 'running', evaluations: [],
    stages: {
      ingest: { status: 'cached', done: 1, total: 1, seconds: 0.2 },
      augment: { status: 'computed', done: 3, total: 3, seconds: 4 },
      extract: { status: 'running', done: 2, total: 8, seconds: 0 },
      'train-head': { status: 'running', done: 0, total: 1, seconds: 0 },
    },
  },
  active: [{ activity: 'trainHead', attempt: 2, progress: { stage: 'train-head', epoch: 3, epochs: 10, batch: 5, batches: 10, loss: 0.5 } }],
};

test('progressBar fills in proportion and clamps', () => {
  expect(progressBar(5, 10, 10)).toBe('[#####-----]  50%');
  expect(progressBar(20, 10, 4)).toBe('[####] 100%');
  expect(progressBar(1, 0, 4)).toBe('[----]   0%');
});

test('renderRun shows each stage in pipeline order with its state and live progress', () => {
  const lines = renderRun(snapshot);
  expect(lines[0]).toBe('run demo-1  RUNNING');
  expect(lines[1]).toMatch(/^ {2}ingest +cached/);
  expect(lines[2]).toContain('3 shards');
  expect(lines[3]).toContain('2/8 shards');
  // epoch 3 of 10, half-way through it: 25%
  expect(lines[4]).toContain(' 25% epoch 3/10 batch 5/10 loss 0.5000');
  expect(lines.some((l) => l.includes('trainHead: attempt 2 (retrying)'))).toBe(true);
});

test('renderRun counts the shards that groups still running have committed', () => {
  const grouped: RunSnapshot = {
    ...snapshot,
    active: [
      { activity: 'extractShards', attempt: 1, progress: { stage: 'extract', done: 64, total: 1024, shardsDone: 3, shards: 4 } },
      { activity: 'extractShards', attempt: 1, progress: { stage: 'extract', shardsDone: 1, shards: 2 } },
    ],
  };
  expect(renderRun(grouped)[3]).toContain('6/8 shards');
});

test('reuseSummary groups stages by how their output came to be', () => {
  expect(reuseSummary(snapshot)).toBe('cached: ingest; computed: augment');
});

test('renderRun says why the stages are running again', () => {
  const again: RunSnapshot = { ...snapshot, progress: { ...snapshot.progress!, note: 'pass 2: recomputing a lost cache entry' } };
  const lines = renderRun(again);
  expect(lines[1]).toBe('  pass 2: recomputing a lost cache entry');
  expect(lines[2]).toMatch(/^ {2}ingest +cached/);
});

test('renderRun says how many images were skipped and names the first few with their reasons', () => {
  const skippedImages = { count: 7, first: ['/d/shirt/a.png: cannot decode image (Invalid PNG)', '/d/shirt/b.jpg: empty file, not an image'] };
  const lines = renderRun({ ...snapshot, progress: { ...snapshot.progress!, skippedImages } });
  const at = lines.indexOf('  skipped 7 unreadable image(s) (onBadImage: skip):');
  expect(at).toBeGreaterThan(0);
  expect(lines.slice(at + 1, at + 4)).toEqual([
    '    /d/shirt/a.png: cannot decode image (Invalid PNG)',
    '    /d/shirt/b.jpg: empty file, not an image',
    '    … and 5 more',
  ]);
  // Without skipped images there is no such line.
  expect(renderRun(snapshot).some((l) => l.includes('unreadable'))).toBe(false);
});

test('a finished run whose progress cannot be queried shows the skipped images from its result', () => {
  const skippedImages = { count: 1, first: ['/d/a/x.png: cannot decode image (Invalid PNG)'] };
  const { progress: _progress, ...noProgress } = snapshot;
  const done: RunSnapshot = {
    ...noProgress, status: 'COMPLETED', active: [],
    result: { status: 'completed', fingerprint: 'fp', stages: [], evaluations: [], skippedImages },
  };
  expect(renderRun(done)).toEqual([
    'run demo-1  COMPLETED',
    '  skipped 1 unreadable image(s) (onBadImage: skip):',
    '    /d/a/x.png: cannot decode image (Invalid PNG)',
  ]);
});
