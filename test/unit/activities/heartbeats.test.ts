// withHeartbeats keeps an activity alive through awaited work that reports no
// progress of its own; Temporal's mock activity environment records the beats.
import { MockActivityEnvironment } from '@temporalio/testing';
import { heartbeat, withHeartbeats } from '../../../activities/activity-context';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withHeartbeats', () => {
  it('beats at the start and then on its interval until the work settles, and stops after', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    const value = await env.run(() => withHeartbeats({ stage: 'ingest' }, sleep(130).then(() => 42), 20));
    expect(value).toBe(42);
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats.every((b) => JSON.stringify(b) === '{"stage":"ingest"}')).toBe(true);
    const settled = beats.length;
    await sleep(80);
    expect(beats.length).toBe(settled);
  });

  it('passes the work’s failure through and stops beating', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => { beats += 1; });
    await expect(env.run(() => withHeartbeats({ stage: 'train' }, sleep(50).then(() => { throw new Error('shard missing'); }), 10)))
      .rejects.toThrow('shard missing');
    const settled = beats;
    await sleep(50);
    expect(beats).toBe(settled);
  });

  it('outside a worker it just awaits the work', async () => {
    await expect(withHeartbeats({ stage: 'base' }, Promise.resolve('model'))).resolves.toBe('model');
  });
});

describe('heartbeat (progress)', () => {
  it('sends the first beat at once and drops the ones within a second of the last sent', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    await env.run(async () => {
      for (let batch = 1; batch <= 50; batch++) heartbeat({ stage: 'train-head', batch });
      expect(beats).toEqual([{ stage: 'train-head', batch: 1 }]);
      await sleep(1_050);
      heartbeat({ stage: 'train-head', batch: 51 });
      heartbeat({ stage: 'train-head', batch: 52 });
    });
    expect(beats).toEqual([{ stage: 'train-head', batch: 1 }, { stage: 'train-head', batch: 51 }]);
  });

  it('always sends the final beat of a loop (last batch, or done = total)', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    await env.run(async () => {
      heartbeat({ stage: 'train-head', epoch: 1, batch: 1, batches: 3 });
      heartbeat({ stage: 'train-head', epoch: 1, batch: 2, batches: 3 });
      heartbeat({ stage: 'train-head', epoch: 1, batch: 3, batches: 3 });
      heartbeat({ stage: 'extract', done: 10, total: 20 });
      heartbeat({ stage: 'extract', done: 20, total: 20 });
    });
    expect(beats).toEqual([
      { stage: 'train-head', epoch: 1, batch: 1, batches: 3 },
      { stage: 'train-head', epoch: 1, batch: 3, batches: 3 },
      { stage: 'extract', done: 20, total: 20 },
    ]);
  });

  it('beats at least four times per heartbeat timeout when that is short', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 200 });
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    await env.run(async () => {
      heartbeat({ stage: 'train-head', batch: 1 });
      await sleep(60);
      heartbeat({ stage: 'train-head', batch: 2 });
    });
    expect(beats).toEqual([{ stage: 'train-head', batch: 1 }, { stage: 'train-head', batch: 2 }]);
  });

  it('throttles each activity on its own', async () => {
    const beats: unknown[] = [];
    for (const stage of ['extract', 'evaluate']) {
      const env = new MockActivityEnvironment();
      env.on('heartbeat', (details: unknown) => beats.push(details));
      await env.run(async () => heartbeat({ stage }));
    }
    expect(beats).toEqual([{ stage: 'extract' }, { stage: 'evaluate' }]);
  });

  it('does nothing outside a worker', () => {
    expect(() => heartbeat({ stage: 'ingest' })).not.toThrow();
  });
});
