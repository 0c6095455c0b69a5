import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseDatasetSource } from '../data/read';
import { sha256Hex } from '../store/cache-key';

/** Folders with more files than this are read rather than stat'ed: the signature would cost what it saves. */
const MAX_FILES = 200_000;

/**
 * A signature of a local dataset source's files: every path under it with
 * its size and modification time (ns), hashed. It changes whenever a file is
 * added, removed, resized or rewritten (as `make` and `git status` judge
 * files), so ingest can reuse the content fingerprint it computed last time
 * without reading the images. Undefined for sources it cannot see this way
 * (`s3://`) or that are missing.
 */
export async function sourceFilesSignature(source: string): Promise<string | undefined> {
  const parsed = parseDatasetSource(source);
  if (parsed.kind === 's3') return undefined;
  const lines: string[] = [];
  const walk = async (dir: string): Promise<boolean> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(await walk(full))) return false;
      } else {
        const stat = await fs.stat(full, { bigint: true });
        lines.push(`${path.relative(parsed.path, full)}\t${stat.size}\t${stat.mtimeNs}`);
        if (lines.length > MAX_FILES) return false;
      }
    }
    return true;
  };
  try {
    if (!(await walk(parsed.path))) return undefined;
  } catch {
    return undefined; // missing or unreadable: reading it will say what is wrong
  }
  lines.sort();
  return sha256Hex(`${path.resolve(parsed.path)}\n${lines.join('\n')}`);
}
