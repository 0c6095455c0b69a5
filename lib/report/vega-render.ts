import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { VegaLiteSpec } from './charts';

/**
 * Runs in a child Node process as an ES module. vega 6 is ESM with a
 * top-level await, so CommonJS cannot `require` it and a Jest VM cannot
 * `import()` it; a child process loads it the same way everywhere and keeps
 * its memory out of long-lived workers. Reads a JSON array of Vega-Lite
 * specs on stdin, writes a JSON array of SVG strings on stdout.
 */
const CHILD_SCRIPT = `
const [vegaUrl, vegaLiteUrl] = process.argv.slice(1);
const vega = await import(vegaUrl);
const vl = await import(vegaLiteUrl);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const svgs = [];
for (const spec of JSON.parse(input)) {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  svgs.push(await view.toSVG());
  view.finalize();
}
process.stdout.write(JSON.stringify(svgs));
`;

export interface RenderSvgOptions {
  /** Kill the renderer after this long; default 60 s. */
  readonly timeoutMs?: number;
}

/** Compiles each Vega-Lite spec and renders it to an SVG string, headless. */
export async function renderVegaLiteSvgs(specs: readonly VegaLiteSpec[], options: RenderSvgOptions = {}): Promise<string[]> {
  if (specs.length === 0) return [];
  const args = ['--input-type=module', '-e', CHILD_SCRIPT, moduleUrl('vega'), moduleUrl('vega-lite')];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  child.stdin.end(JSON.stringify(specs));
  const code = await exited;
  if (code !== 0) {
    const detail = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-5).join('\n');
    throw new Error(`chart renderer exited with ${code ?? 'a signal (timeout?)'}: ${detail}`);
  }
  const svgs: unknown = JSON.parse(Buffer.concat(out).toString('utf8'));
  if (!Array.isArray(svgs) || svgs.length !== specs.length || !svgs.every((s) => typeof s === 'string')) {
    throw new Error('chart renderer returned an unexpected result');
  }
  return svgs as string[];
}

// Resolved from this file, so the child loads the same copy whatever its cwd.
function moduleUrl(name: 'vega' | 'vega-lite'): string {
  return pathToFileURL(require.resolve(name)).href;
}
