/** Throwaway pipeline files for CLI tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpecDir {
  /** Writes `text` to `name` in the directory and returns its path. */
  write(name: string, text: string): string;
  remove(): void;
}

export function makeSpecDir(): SpecDir {
  const dir = mkdtempSync(join(tmpdir(), 'graft-cli-'));
  return {
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
