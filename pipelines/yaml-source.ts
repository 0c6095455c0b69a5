/**
 * Reads a YAML pipeline file into plain data plus a locator that maps spec
 * paths back to line:column. Guards against alias bombs, huge files,
 * duplicate keys and multi-document streams.
 */
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Locator, PipelineProblem, SourcePosition, SpecPath } from './problems';
import { specError } from './problems';

/** Pipeline specs are a few KiB; anything near this is a mistake or an attack. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** Aliases a spec may expand; bounds "billion laughs" expansion. */
export const MAX_ALIAS_COUNT = 50;

export interface YamlSource {
  readonly data: unknown;
  readonly locate: Locator;
}

export function tooLargeMessage(bytes: number): string {
  return `is ${bytes} bytes; a pipeline spec may be at most ${MAX_SPEC_BYTES} bytes (1 MiB)`;
}

/** Parses one YAML document; throws `SpecError` naming `fileName` for any syntax problem. */
export function readYamlSource(text: string, fileName: string): YamlSource {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SPEC_BYTES) throw specError(fileName, [{ path: [], message: tooLargeMessage(bytes) }]);

  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => lineCounter.linePos(offset);
  if (documents.length === 0) {
    throw specError(fileName, [{ path: [], message: 'the file has no YAML document; expected a mapping with name, dataset, base, …' }]);
  }
  const [document, ...more] = documents;
  const problems: PipelineProblem[] = [...document.errors, ...document.warnings].map((error) => ({
    path: ['yaml'],
    message: firstLine(error.message),
    position: at(error.pos[0]),
  }));
  if (more.length > 0) {
    const start = more[0].contents?.range[0] ?? more[0].range[0];
    problems.push({ path: ['yaml'], message: `a pipeline file holds one YAML document, found ${documents.length}`, position: at(start) });
  }
  if (problems.length > 0) throw specError(fileName, problems);

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = `aliases expand too much (${err instanceof Error ? err.message : String(err)}); write the values out`;
    throw specError(fileName, [{ path: ['yaml'], message }]);
  }
  return { data, locate: yamlLocator(document, lineCounter) };
}

/** yaml's messages may end in " at line 3, column 1:" and a code excerpt; we print positions ourselves. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function yamlLocator(document: Document, lineCounter: LineCounter): Locator {
  return (path: SpecPath, at: 'key' | 'value') => {
    const found = walk(document.contents, path);
    // A missing or empty value has no place of its own: point at its key (or the nearest parent's).
    const empty = !found.complete || !found.value || (isScalar(found.value) && found.value.source === '');
    const offset = at === 'key' || empty ? (found.keyOffset ?? found.value?.range?.[0]) : found.value?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset);
  };
}

interface Found {
  /** The node at the path, or at the deepest part of it that exists. */
  readonly value: Node | null;
  readonly keyOffset?: number;
  /** False when the path stops early (a missing key). */
  readonly complete: boolean;
}

function walk(root: Node | null, path: SpecPath): Found {
  let found: Found = { value: root, complete: true };
  for (const part of path) {
    const node = found.value;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
      if (!pair) return { ...found, complete: false };
      const key = pair.key as Node;
      found = { value: (pair.value as Node | null) ?? null, keyOffset: key.range?.[0], complete: true };
    } else if (isSeq(node) && typeof part === 'number' && node.items[part]) {
      const item = node.items[part] as Node;
      found = { value: item, keyOffset: item.range?.[0], complete: true };
    } else {
      return { ...found, complete: false };
    }
  }
  return found;
}
