import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CHECKER = path.resolve(__dirname, '../../../infra/check-imports.mjs');

/** Runs the layering check on a made-up tree of `files` (path → source). */
function check(files: Record<string, string>): { code: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-layers-'));
  try {
    for (const [file, source] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), source);
    }
    const run = spawnSync(process.execPath, [CHECKER, dir], { encoding: 'utf8' });
    return { code: run.status, output: run.stdout + run.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the layering check run by npm run lint', () => {
  it('passes the repository itself', () => {
    const run = spawnSync(process.execPath, [CHECKER], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/no upward import, no cycle/);
    expect(run.status).toBe(0);
  });

  it('accepts imports down the layers', () => {
    const result = check({
      'lib/a.ts': 'export const a = 1;\n',
      'activities/b.ts': "import { a } from '../lib/a';\nexport const b = a;\n",
      'cli/c.ts': "import { b } from '../activities/b';\nexport const c = b;\n",
    });
    expect(result.code).toBe(0);
  });

  it('fails on an upward import, naming both files and layers', () => {
    const result = check({
      'lib/a.ts': "import type { B } from '../activities/b';\nexport type A = B;\n",
      'activities/b.ts': 'export type B = number;\n',
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('upward import: lib/a.ts (lib) imports activities/b.ts (activities)');
  });

  it('fails on an import cycle, type-only imports included', () => {
    const result = check({
      'pipelines/x.ts': "import type { Y } from './y';\nexport type X = Y[];\n",
      'pipelines/y.ts': "import type { X } from './x';\nexport type Y = { x?: X };\n",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('import cycle: pipelines/x.ts ↔ pipelines/y.ts');
  });
});
