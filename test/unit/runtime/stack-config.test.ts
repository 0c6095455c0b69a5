import { stackAddresses, stackConfigFromEnv } from '../../../infra/stack/config';
import { temporalDevArgs } from '../../../infra/stack';
import { parseQueueKinds } from '../../../cli/commands/worker';
import { newRunId } from '../../../runtime/runs';
import { defaultShardSize } from '../../../workflows/stage-plan';
import { definePipeline } from '../../../pipelines/define';
import { storeConfigFromEnv } from '../../../lib/store/store-config';

test('the local stack reads its ports and folders from the environment', () => {
  const config = stackConfigFromEnv({ HOME: '/h', GRAFT_STATE_DIR: '/s', GRAFT_MINIO_PORT: '9100', GRAFT_HEADLESS: '1' });
  expect(config.stateDir).toBe('/s');
  expect(config.minio.port).toBe(9100);
  expect(stackAddresses(config)).toEqual({ temporal: '127.0.0.1:7233', s3Endpoint: 'http://127.0.0.1:9100', temporalUi: undefined });
  // The store's default endpoint follows the local MinIO port.
  expect(storeConfigFromEnv({ GRAFT_MINIO_PORT: '9100' }).endpoint).toBe('http://127.0.0.1:9100');
});

test('a bad port is an error naming the variable', () => {
  expect(() => stackConfigFromEnv({ GRAFT_TEMPORAL_PORT: 'seven' })).toThrow('GRAFT_TEMPORAL_PORT must be a port number');
});

test('worker queue selection accepts cpu, gpu or both and nothing else', () => {
  expect(parseQueueKinds('cpu,gpu')).toEqual(['cpu', 'gpu']);
  expect(parseQueueKinds('gpu')).toEqual(['gpu']);
  expect(() => parseQueueKinds('tpu')).toThrow('--queues takes cpu, gpu or cpu,gpu');
});

test('run ids sort by time and are safe in object keys', () => {
  const id = newRunId('fmnist', new Date('2026-11-29T16:30:05Z'));
  expect(id).toMatch(/^fmnist-20261129-163005-[0-9a-f]{4}$/);
});

test('shards hold 2048 small images and fewer large ones', () => {
  const spec = (size: number, channels: 1 | 3) => definePipeline({
    name: 'x', dataset: { source: 'idx:///d', imageSize: size, channels }, base: { architecture: 'small-cnn' }, mode: 'retrain',
  });
  expect(defaultShardSize(spec(28, 1).dataset)).toBe(2048);
  expect(defaultShardSize(spec(64, 3).dataset)).toBe(130);
  expect(defaultShardSize(spec(224, 3).dataset)).toBe(64);
});

test('the dev server starts with one task-queue partition, eager activity dispatch and a write-ahead log', () => {
  const args = temporalDevArgs(stackConfigFromEnv({ HOME: '/h', GRAFT_STATE_DIR: '/s', GRAFT_HEADLESS: '1' }));
  const values = args.flatMap((arg, i) => (args[i - 1] === '--dynamic-config-value' ? [arg] : []));
  expect(values).toEqual(expect.arrayContaining([
    'matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1', 'system.enableActivityEagerExecution=true',
  ]));
  const pragmas = args.flatMap((arg, i) => (args[i - 1] === '--sqlite-pragma' ? [arg] : []));
  expect(pragmas).toEqual(['journal_mode=wal', 'synchronous=normal']);
  // Every flag takes its value as the next argument: no value starts with a dash.
  expect(args.filter((a, i) => args[i - 1] === '--dynamic-config-value' && a.startsWith('-'))).toEqual([]);
  expect(args).toContain('--headless');
  expect(args.slice(args.indexOf('--db-filename'), args.indexOf('--db-filename') + 2)).toEqual(['--db-filename', '/s/temporal/temporal.sqlite']);
});
