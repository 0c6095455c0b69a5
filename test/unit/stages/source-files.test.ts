import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sourceFilesSignature } from '../../../lib/stages/source-files';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-source-'));
  fs.mkdirSync(path.join(dir, 'cat'));
  fs.writeFileSync(path.join(dir, 'cat', 'a.png'), 'aaaa');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the signature of unchanged files is stable, and any added, removed or rewritten file changes it', async () => {
  const source = `dir://${dir}`;
  const before = await sourceFilesSignature(source);
  expect(before).toMatch(/^[0-9a-f]{64}$/);
  expect(await sourceFilesSignature(source)).toBe(before);

  fs.writeFileSync(path.join(dir, 'cat', 'b.png'), 'bb');
  const added = await sourceFilesSignature(source);
  expect(added).not.toBe(before);

  // Same size, new modification time.
  const file = path.join(dir, 'cat', 'b.png');
  fs.writeFileSync(file, 'cc');
  fs.utimesSync(file, new Date(2020, 0, 1), new Date(2020, 0, 1));
  expect(await sourceFilesSignature(source)).not.toBe(added);

  fs.rmSync(file);
  expect(await sourceFilesSignature(source)).toBe(before);
});

test('sources it cannot stat have no signature: they are read every time', async () => {
  expect(await sourceFilesSignature('s3://bucket/images')).toBeUndefined();
  expect(await sourceFilesSignature(`idx://${path.join(dir, 'missing')}`)).toBeUndefined();
});
