// Fails (exit 1) on an import that points up the layers or on an import
// cycle among the project's own files; `npm run lint` runs it. The layers,
// lowest first (docs/architecture.md has the picture):
//   lib → pipelines → activities → workflows → runtime, infra → cli, bench, index.ts → test
// A file may import from its own layer and the layers below it. Type-only
// imports count: a cycle of types is still two files that cannot be read apart.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ts = createRequire(import.meta.url)('typescript');
// The repository, or the folder given (the checker's own test points it at a made-up tree).
const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const RANK = { lib: 0, pipelines: 1, activities: 2, workflows: 3, runtime: 4, infra: 4, cli: 5, bench: 5, 'index.ts': 5, test: 6 };
const SKIP = new Set(['node_modules', 'dist', '.git', 'coverage']);

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The project files `file` imports (relative specifiers only; packages are not layers). */
function importsOf(file) {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((spec) => spec.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const target = path.resolve(path.dirname(file), spec);
      return [`${target}.ts`, path.join(target, 'index.ts'), target].find((c) => c.endsWith('.ts') && fs.existsSync(c));
    })
    .filter((target) => target !== undefined);
}

const rel = (file) => path.relative(root, file);
const layerOf = (file) => rel(file).split(path.sep)[0];
const files = sourceFiles(root).filter((file) => layerOf(file) in RANK);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const problems = [];

for (const [file, targets] of graph) {
  for (const target of targets) {
    const from = layerOf(file);
    const to = layerOf(target);
    if (RANK[to] > RANK[from]) problems.push(`upward import: ${rel(file)} (${from}) imports ${rel(target)} (${to})`);
  }
}

// Cycles: Tarjan's strongly connected components.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function visit(file) {
  index.set(file, counter);
  low.set(file, counter++);
  stack.push(file);
  onStack.add(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;
    if (!index.has(next)) {
      visit(next);
      low.set(file, Math.min(low.get(file), low.get(next)));
    } else if (onStack.has(next)) {
      low.set(file, Math.min(low.get(file), index.get(next)));
    }
  }
  if (low.get(file) !== index.get(file)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(rel(member));
  } while (member !== file);
  if (component.length > 1) problems.push(`import cycle: ${component.sort().join(' ↔ ')}`);
}
for (const file of graph.keys()) if (!index.has(file)) visit(file);

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`${problems.length} layering problem(s); see docs/architecture.md`);
  process.exit(1);
}
console.log(`imports: ${files.length} files, no upward import, no cycle`);
