// Security properties on the real stack: the S3 secret never reaches a log
// or the CLI's output; user strings cannot climb out of their key prefix;
// YAML alias bombs are refused; models over http(s) are size- and time-limited.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { main } from '../../cli/main';
import { captureIO } from '../../cli/io';
import { loadModelFromUri } from '../../lib/models/io/load-save';
import { StageCache } from '../../lib/store/cache';
import { parseCacheManifest } from '../../lib/store/cache-manifest';
import { joinKey, safeKey } from '../../lib/store/keys';
import { MinioStore } from '../../lib/store/minio-store';
import { storeConfigFromEnv } from '../../lib/store/store-config';
import { REPO_ROOT, tempDir } from '../integration/support/harness';
import { exited, privateStack, recordFault, spawnWorker } from './support/chaos';

const SECRET = 'chaos-Secret-7f3a9c1e';
const dir = tempDir('chaos-sec');

/** `graft <args>` as a child process; resolves with its exit code and everything it printed. */
function graft(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/cli/main.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

test('the S3 secret never appears in a worker log or in the CLI output, on success or failure', async () => {
  const stack = await privateStack('sec', { GRAFT_S3_SECRET_KEY: SECRET, GRAFT_S3_ACCESS_KEY: 'chaosuser' });
  await stack.start();
  const env = { ...stack.env, GRAFT_BUCKET: 'chaos-sec', GRAFT_LOG_LEVEL: 'DEBUG' };
  const queues = { cpu: 'chaos-sec-cpu', gpu: 'chaos-sec-gpu' };
  const log = path.join(dir, 'worker.log');
  const worker = spawnWorker(env, queues, log);
  try {
    const spec = (name: string, base: string) => `name: ${name}
dataset:
  source: idx:///usr/share/datasets/fashion-mnist
  classes: [0, 1]
  limitPerClass: 20
  imageSize: 28
  channels: 1
base:
  ${base}
train:
  epochs: 1
queues:
  cpu: ${queues.cpu}
  gpu: ${queues.gpu}
`;
    const good = path.join(dir, 'good.yaml');
    fs.writeFileSync(good, spec('sec-ok', 'architecture: efficientnet-lite0\n  inputSize: 32'));
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, spec('sec-fail', `uri: s3://chaos-sec/no/such/model.json\n  inputShape: [28, 28, 1]`));
    const ok = await graft(['--verbose', 'run', good, '--wait'], env);
    const failed = await graft(['--verbose', 'run', bad, '--wait'], env);
    // A worker whose secret is wrong: refused at start, and the wrong secret is not echoed either.
    const wrong = await graft(['worker', '--cpu-queue', 'x', '--gpu-queue', 'y'], { ...env, GRAFT_S3_SECRET_KEY: `${SECRET}-wrong` });
    worker.kill('SIGKILL');
    await exited(worker);
    const texts = { 'worker log': fs.readFileSync(log, 'utf8'), 'run output': ok.output, 'failed run output': failed.output, 'wrong-secret worker output': wrong.output };
    const leaks = Object.entries(texts).filter(([, text]) => text.includes(SECRET)).map(([name]) => name);
    recordFault({
      id: 'secret-not-logged', group: 'security', fault: 'worker + runs (one ok, one failing) with a non-default S3 secret; a worker with a wrong one',
      survived: leaks.length === 0 && ok.code === 0 && failed.code !== 0 && wrong.code === 2,
      redone: 'n/a', dataLost: 0,
      detail: `secret found in: ${leaks.join(', ') || 'nothing'} (${Object.values(texts).reduce((n, t) => n + t.length, 0)} characters searched, worker at DEBUG); exit codes ${ok.code} / ${failed.code} / ${wrong.code}; wrong secret: ${wrong.output.split('\n').find((l) => l.includes('AccessError')) ?? '?'}`,
    });
    expect(ok.code).toBe(0);
    expect(failed.code).not.toBe(0);
    expect(wrong.code).toBe(2);
    expect(wrong.output).toMatch(/AccessError/);
    expect(leaks).toEqual([]);
  } finally {
    worker.kill('SIGKILL');
    await exited(worker);
    await stack.stopAll();
  }
});

test('object keys built from user strings cannot escape their prefix', async () => {
  const store = new MinioStore(storeConfigFromEnv());
  const cache = new StageCache(store);
  const attempts: [string, () => unknown][] = [
    ['joinKey with ../', () => joinKey('models/', '..', 'secret')],
    ['joinKey with a/../b', () => joinKey('datasets/', 'a/../b')],
    ['safeKey with ../', () => safeKey('cache/../../etc/passwd')],
    ['safeKey absolute', () => safeKey('/etc/passwd')],
    ['safeKey with backslash', () => safeKey('cache\\..\\x')],
    ['cache prefix with ../ key', () => cache.prefix('augment', '../train-head')],
    ['cache prefix with ../ stage', () => cache.prefix('..', 'x')],
    ['store put with ../', () => store.put('cache/../outside.txt', 'x')],
    ['store get with ../', () => store.get('models/../../x')],
  ];
  const escaped: string[] = [];
  for (const [name, attempt] of attempts) {
    try {
      const value = await attempt();
      escaped.push(`${name} → ${String(value)}`);
    } catch (err) {
      if ((err as { type?: string }).type !== 'DataError') escaped.push(`${name} threw ${String(err)}`);
    }
  }
  // A manifest listing ../ names is refused, so a planted manifest cannot point a read outside its entry.
  const planted = parseCacheManifest(JSON.stringify({
    version: 1, stage: 's', key: 'k', createdAt: 'now', meta: null, files: [{ name: '../../models/x/weights.bin', sha256: 'a'.repeat(64), bytes: 1 }],
  }), 's', 'k');
  const pipelineName = await main(['validate', writeSpec('name: ../up\n')], captureIO());
  recordFault({
    id: 'key-escape', group: 'security', fault: `${attempts.length} ../, absolute and backslash keys; a manifest naming ../ files; a pipeline named ../up`,
    survived: escaped.length === 0 && typeof planted === 'string' && pipelineName === 2, redone: 'n/a', dataLost: 0,
    detail: `escaped: ${escaped.join('; ') || 'none'}; planted manifest: ${typeof planted === 'string' ? planted : 'ACCEPTED'}; pipeline name exit ${pipelineName}`,
  });
  expect(escaped).toEqual([]);
  expect(planted).toMatch(/bad name/);
  expect(pipelineName).toBe(2);
});

function writeSpec(text: string): string {
  const file = path.join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

test('a YAML alias bomb is refused with exit 2', async () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const io = captureIO();
  const code = await main(['validate', writeSpec(`${levels.join('\n')}\nname: bomb\n`)], io);
  const err = io.stderr.join('\n');
  recordFault({
    id: 'yaml-alias-bomb', group: 'security', fault: 'a "billion laughs" YAML (9 levels of 9 aliases)', survived: code === 2 && /alias/i.test(err),
    redone: 'n/a', dataLost: 0, detail: `exit ${code}: ${err.split('\n')[0]} ${err.split('\n')[1] ?? ''}`,
  });
  expect(code).toBe(2);
  expect(err).toMatch(/alias/i);
});

describe('a model fetched over http has a size limit and a timeout', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/big-declared/')) {
        res.setHeader('content-length', String(4 * 1024 * 1024));
        res.end(Buffer.alloc(4 * 1024 * 1024, 0x20));
      } else if (req.url?.startsWith('/big-chunked/')) {
        // No content-length: the limit must hold while reading.
        let sent = 0;
        const more = () => {
          while (sent < 4 * 1024 * 1024) {
            sent += 64 * 1024;
            if (!res.write(Buffer.alloc(64 * 1024, 0x20))) return void res.once('drain', more);
          }
          res.end();
        };
        more();
      } else if (req.url?.startsWith('/hang/')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"modelTopology":'); // …and never more
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const cases = [
    { id: 'http-too-large-declared', what: 'a model.json declaring 4 MiB against a 1 MiB limit', path: '/big-declared/model.json', expected: /over the 1048576-byte limit/ },
    { id: 'http-too-large-chunked', what: 'a chunked model.json of 4 MiB (no length) against a 1 MiB limit', path: '/big-chunked/model.json', expected: /over the 1048576-byte limit/ },
    { id: 'http-hangs', what: 'a server that sends headers then hangs, 1 s timeout', path: '/hang/model.json', expected: /abort|timeout|timed out/i },
  ];
  test.each(cases)('$id: $what', async (c) => {
    const err = await loadModelFromUri(`${base}${c.path}`, { maxBytes: 1024 * 1024, timeoutMs: 1000 }).then(
      (model) => {
        model.dispose();
        return undefined;
      },
      (e: unknown) => e as { type?: string; message: string },
    );
    recordFault({
      id: c.id, group: 'security', fault: c.what, survived: err?.type === 'ModelError' && c.expected.test(err.message), redone: 'n/a', dataLost: 0,
      detail: err ? `${err.type}: ${err.message.slice(0, 200)}` : 'the model loaded',
    });
    expect(err?.type).toBe('ModelError');
    expect(err?.message).toMatch(c.expected);
  });
});
