// Smoke test of the benchmark harness: one cheap benchmark (the compute
// ceiling: native matmul + extraction, no Python, no servers) in quick mode,
// through the same wrapper `npm run bench` uses. Shape only, no timings.
import { runBenchmark } from '../../../bench/run';
import type { CeilingBenchResult } from '../../../bench/ceiling';

test('the ceiling benchmark in quick mode yields a well-formed JSON record', async () => {
  const record = await runBenchmark('ceiling', { quick: true });
  const json = JSON.parse(JSON.stringify(record)) as typeof record;
  expect(json).toMatchObject({ name: 'ceiling', quick: true, title: expect.any(String), startedAt: expect.any(String), seconds: expect.any(Number) });
  expect(json.machine).toMatchObject({ logicalCores: expect.any(Number), cpuModel: expect.any(String), tfjsBackend: 'tensorflow', nativeTensorflow: expect.any(String) });
  const result = json.result as CeilingBenchResult;
  expect(result.matmulGflops).toBeGreaterThan(0);
  expect(result.rows.map((r) => r.arch)).toEqual(['small-cnn', 'vgg16']);
  for (const row of result.rows) {
    expect(Object.keys(row).sort()).toEqual(['achievedGflops', 'arch', 'fractionOfCeiling', 'gflopPerImage', 'imagesPerSecond', 'inputShape'].sort());
    expect(row.gflopPerImage).toBeGreaterThan(0);
    expect(Number.isFinite(row.fractionOfCeiling)).toBe(true);
  }
}, 120_000);
