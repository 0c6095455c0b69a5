/**
 * BENCHMARKS.md and its charts, generated from the JSON results alone: every
 * figure in the document is read from a result file, none is typed by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderVegaLiteSvgs } from '../lib/report/vega-render';
import type { VegaLiteSpec } from '../lib/report/charts';
import type { AccuracyBenchResult, AccuracyModel } from './accuracy';
import type { CacheBenchResult } from './cache';
import type { CeilingBenchResult } from './ceiling';
import type { AugmentCompareResult } from './keras-augment';
import type { EndToEndBenchResult } from './keras-e2e';
import type { ExtractBenchResult, ExtractRow, InputSizeSweep } from './keras-extract';
import type { HeadBenchResult } from './keras-head';
import type { OrchestrationBenchResult, PipelineOverhead } from './orchestration';
import type { BenchRecord } from './util';
import { headlineMet, median } from './util';
import { SCALE_STAGES, type ScaleBenchResult } from './scale-result';
import type { PeerInfo } from './util';
import { REPO_ROOT } from './util';

export interface Results {
  extract?: BenchRecord<ExtractBenchResult>;
  head?: BenchRecord<HeadBenchResult>;
  'end-to-end'?: BenchRecord<EndToEndBenchResult>;
  augment?: BenchRecord<AugmentCompareResult>;
  orchestration?: BenchRecord<OrchestrationBenchResult>;
  cache?: BenchRecord<CacheBenchResult>;
  scale?: BenchRecord<ScaleBenchResult>;
  ceiling?: BenchRecord<CeilingBenchResult>;
  accuracy?: BenchRecord<AccuracyBenchResult>;
}

function readResults(dir: string): Results {
  const results: Record<string, unknown> = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const record = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as BenchRecord;
    results[record.name] = record;
  }
  return results as Results;
}

const f = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const ratio = (x: number): string => `${f(x, 2)}×`;
const table = (head: string[], rows: string[][]): string =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

interface Section {
  readonly markdown: string;
  readonly chart?: { readonly file: string; readonly spec: VegaLiteSpec };
}

function bars(values: object[], x: string, y: string, color: string, column: string | null, title: string): VegaLiteSpec {
  const encoding = {
    x: { field: x, type: 'nominal' as const, title: null, axis: { labelAngle: 0 } },
    y: { field: y, type: 'quantitative' as const, title },
    color: { field: color, type: 'nominal' as const, title: null },
  };
  if (column === null) return { data: { values }, width: 360, height: 220, mark: 'bar', encoding };
  return {
    data: { values },
    facet: { column: { field: column, type: 'nominal', title: null } },
    spec: { width: 220, height: 220, mark: 'bar', encoding },
    resolve: { scale: { y: 'independent' } },
  };
}

/** The images' shape, and the side the network runs at where the model resizes them. */
const extractInput = (row: ExtractRow): string =>
  row.inputSize !== null && row.inputSize !== row.inputShape[0] ? `${row.inputShape.join('×')} → ${row.inputSize}×${row.inputSize}` : row.inputShape.join('×');

/** Graft vs Keras with the same weights: how far apart their features are. */
function featureAgreement(rows: readonly ExtractRow[]): string[] {
  return rows.flatMap((row) => (row.featureMaxAbsDiff === null
    ? []
    : [`Same weights, same features: on the first ${row.featureImages} images, ${row.arch}'s ${row.weights} features from Graft and from Keras differ by at most **${row.featureMaxAbsDiff.toExponential(1)}** (the largest feature is ${f(row.featureMaxAbs ?? Number.NaN, 2)}), ${row.featureMaxAbsDiff <= 1e-3 ? 'float32 rounding' : 'more than float32 rounding can explain, so the two networks differ somewhere'}: the two sides compute the same network from the same converted weights (Keras builds it layer by layer in bench/python/efficientnet_lite.py, with Graft's input-contract layers \`resize\`, \`gray_to_rgb\` and \`normalize\`).`, '']));
}

function inputSizeTable(sweep: InputSizeSweep): string[] {
  const reference = 224; // costRelativeTo224's
  const pixels = (size: number): number => (size / reference) ** 2;
  const smaller = sweep.rows.filter((row) => row.inputSize < reference);
  const overhead = smaller.length > 0 && smaller.every((row) => row.costRelativeTo224 > pixels(row.inputSize));
  return [
    `### ${sweep.arch}: the cost of the input size`,
    '',
    `Graft \`extractFeatures\` of ${sweep.arch} with its ${sweep.weights} weights on the same ${int(sweep.images)} images (${sweep.inputShape.join('×')}, resized in the model to each side), batch ${sweep.batchSize}; median of ${sweep.reps} run(s) per size, the sizes interleaved within each run (apart from the comparison above, so its 224 rate differs from that one by the machine's run-to-run spread). What a pipeline pays is set by \`inputSize\` (the side the network runs at), not by the images' own size.`,
    '',
    table(['input size', 'Graft (img/s)', 's per 1000 images', `cost relative to ${reference}`, `pixels relative to ${reference}`],
      sweep.rows.map((row) => [`${row.inputSize}×${row.inputSize}`, int(row.imagesPerSecond), f(row.secondsPer1000Images), ratio(row.costRelativeTo224), ratio(pixels(row.inputSize))])),
    '',
    overhead
      ? `The convolutions' work grows with the pixel count, but below ${reference} the time falls more slowly than the pixels: part of each batch's cost (per-op dispatch, the late stages' small feature maps) does not shrink in proportion to the side.`
      : `The convolutions' work grows with the pixel count; the measured cost follows it only roughly on this shared machine.`,
  ];
}

function extractSection(r: BenchRecord<ExtractBenchResult>): Section {
  const rows = r.result.rows;
  const slower = rows.filter((row) => row.ratio < 1);
  const md = [
    `Frozen base, the same Fashion-MNIST images (resized to 32×32×3 for VGG16; 28×28×1 for EfficientNet-Lite0, which resizes them in the model), batch ${rows[0]?.batchSize}; median of ${r.result.reps} run(s) for Keras and ${2 * r.result.reps} for Graft, half of them before Keras's and half after. small-cnn and VGG16 run with random weights; EfficientNet-Lite0 with its ImageNet weights on both sides, Keras building the same network from the same converted file. Graft is timed through \`extractFeatures\` (layer \`apply\` per batch, the library path) and through \`model.predict\`; Keras by the faster of \`model.predict\` and a per-batch call of the model inside a traced \`tf.function\` (repeated \`predict\` calls in one process slow down, which would flatter Graft), both rates kept in the record.`,
    '',
    table(['base', 'weights', 'input', 'images', 'Graft extractFeatures (img/s)', 'Graft predict (img/s)', 'Keras (img/s)', 'Keras predict / traced call (img/s)', 'Graft ÷ Keras'],
      rows.map((row) => [row.arch, row.weights, extractInput(row), int(row.images), int(row.graftApplyImagesPerSecond), int(row.graftPredictImagesPerSecond), int(row.kerasImagesPerSecond),
        row.kerasPredictImagesPerSecond !== undefined && row.kerasCallImagesPerSecond !== undefined ? `${int(row.kerasPredictImagesPerSecond)} / ${int(row.kerasCallImagesPerSecond)}` : '–', ratio(row.ratio)])),
    '',
    ...featureAgreement(rows),
    '![extraction throughput](bench/results/extract.svg)',
    '',
    'Repeated runs of this benchmark on the shared 2-core machine have given quite different ratios, from well below 1 to well above (the Keras side moves most), so read one run as a rough comparison, not a verdict.',
    '',
    rows.every((row) => row.ratio >= 0.85 && row.ratio <= 1.15)
      ? 'About even (within 15%, which is the run-to-run spread on this shared machine): both sides hand every convolution to the same native TensorFlow kernels, and at these batch sizes the kernels, not the per-op dispatch of eager tfjs-node or the traced graph of Keras, set the pace. Running the frozen base as one optimized graph (fused conv + bias + ReLU) is what would move it.'
      : slower.length === 0
      ? 'Both sides hand every convolution to the same native TensorFlow kernels, so on the convolution-heavy bases throughput is set by the kernels, not by the language that calls them; where Graft leads, the likely difference is the work Graft leaves out (its extraction folds inference-mode BatchNorm into the convolutions before it runs a frozen base). On a shared machine the load changes during a measurement, which is why the Graft repetitions surround the Keras ones, the table gives medians, and the chart both Graft paths.'
      : `Graft is slower on ${slower.map((s) => s.arch).join(', ')}. Why: both sides run the same native kernels, but tfjs-node executes the model eagerly, one op per native call, with a JavaScript-side tensor per intermediate; Keras traces the whole forward pass into one graph function, which TensorFlow's Grappler optimizes (e.g. fusing conv + bias + ReLU into one oneDNN/Eigen kernel) and runs with inter-op parallelism. The gap is largest where ops are many and cheap. What would close it: running the frozen base as one graph (a SavedModel/GraphModel through \`tf.node.loadSavedModel\`, which executes through the session API with Grappler), larger extraction batches to amortize per-op dispatch, and \`predict\` instead of per-batch \`apply\` where the caller holds a whole shard.`,
    ...(r.result.inputSizes ? ['', ...inputSizeTable(r.result.inputSizes)] : []),
  ].join('\n');
  const values = rows.flatMap((row) => [
    { base: row.arch, side: 'Graft extractFeatures', v: row.graftApplyImagesPerSecond },
    { base: row.arch, side: 'Graft predict', v: row.graftPredictImagesPerSecond },
    { base: row.arch, side: 'Keras', v: row.kerasImagesPerSecond },
  ]);
  return { markdown: md, chart: { file: 'extract.svg', spec: bars(values, 'side', 'v', 'side', 'base', 'images / s') } };
}

function headSection(r: BenchRecord<HeadBenchResult>): Section {
  const h = r.result;
  const md = [
    `The same head (Flatten → Dense(${h.classes}, softmax)) on the same cached small-cnn features (${h.featureShape.join('×')} per image, ${int(h.examples)} Fashion-MNIST images), batch ${h.batchSize} (${h.stepsPerEpoch} steps per epoch), Adam 1e-3, ${h.epochs} epochs. "Steady" is the median of the epochs after the first; the first holds Keras' tracing.`,
    '',
    table(['side', 'first epoch (s)', 'steady epoch (s)', 'ms per step', 'final train accuracy'], [
      ['Graft `trainModel`', f(h.graft.firstEpochSeconds, 2), f(h.graft.steadyEpochSeconds, 2), f((1000 * h.graft.steadyEpochSeconds) / h.stepsPerEpoch, 2), pct(h.graft.finalAccuracy)],
      ['Keras `fit`', f(h.keras.firstEpochSeconds, 2), f(h.keras.steadyEpochSeconds, 2), f((1000 * h.keras.steadyEpochSeconds) / h.stepsPerEpoch, 2), pct(h.keras.finalAccuracy)],
    ]),
    '',
    `Keras ÷ Graft steady epoch time: **${ratio(h.ratio)}** (above 1: Graft faster).`,
    '',
    '![head training](bench/results/head.svg)',
    '',
    h.ratio < 1
      ? 'Graft is slower here. Why: a head step is tiny (one matmul), so the cost is per-step overhead, not arithmetic. Graft\'s loop issues each op of the step from JavaScript (gather of the batch, forward, loss, gradients, the Adam update of each variable: dozens of native calls), and reads the loss and accuracy back to JavaScript after every batch (`await loss.data()`), a synchronization point per step. Keras compiles the whole train step into one traced graph and keeps metrics on the device. What would close it: larger batches for head training (the data is cached features, so fewer steps per epoch means fewer per-step overheads), accumulating loss/accuracy on the device and reading them once per epoch, and fusing the optimizer update (tfjs has no fused Adam); the cached-features approach already makes the epoch itself cheap, which is what the end-to-end table shows.'
      : 'Graft is faster here. A replace head (fixed layers, then Dense softmax) trains with a hand-derived fused step: the gradient softmax − y and the Adam update in about 16 native ops (the two products through TensorFlow\'s own MatMul op, lib/models/native-ops.ts), on batches sliced natively from one tensor per chunk of the epoch, with loss and accuracy read back once per chunk (lib/models/train/linear-head.ts, steps.ts). Keras runs its traced generic step.',
  ].join('\n');
  const values = [
    { side: 'Graft', epoch: 'first', v: h.graft.firstEpochSeconds }, { side: 'Graft', epoch: 'steady', v: h.graft.steadyEpochSeconds },
    { side: 'Keras', epoch: 'first', v: h.keras.firstEpochSeconds }, { side: 'Keras', epoch: 'steady', v: h.keras.steadyEpochSeconds },
  ];
  return { markdown: md, chart: { file: 'head.svg', spec: bars(values, 'side', 'v', 'side', 'epoch', 'seconds per epoch') } };
}

function endToEndSection(r: BenchRecord<EndToEndBenchResult>): Section {
  const rows = r.result.rows;
  const md = [
    'Transfer to a new head over E epochs on the same images, batch and optimizer. Graft: extract features once, then E head epochs on them (what its pipeline does; building the base is included on every side). Keras recipe: the frozen base inside the model (`trainable = False`, called with `training=False`), so every epoch of `fit` runs the base again. "Keras, cached" applies Graft\'s approach in Keras (one `predict`, then `fit` on the features), to separate the approach from the implementation.',
    '',
    table(['base', 'images', 'epochs', 'Graft (s)', 'of which extract (s)', 'Keras recipe (s)', 'Keras, cached (s)', 'Keras recipe ÷ Graft'],
      rows.map((row) => [row.arch, int(row.examples), String(row.epochs), f(row.graftSeconds), f(row.graftExtractSeconds), f(row.kerasRecipeSeconds), f(row.kerasCachedSeconds), ratio(row.ratio)])),
    '',
    '![end to end](bench/results/end-to-end.svg)',
    '',
    rows.some((row) => row.ratio < 1)
      ? 'Where Graft is slower, the per-step cost of its head training (see the head table) outweighs what caching saves: with few epochs and a cheap base the recipe recomputes little. More epochs, or a costlier base, tip it to caching; the fixes listed under head training close the rest.'
      : `Caching wins because the base, the expensive part, runs once instead of E times; the more epochs and the costlier the base, the larger the win. Keras itself gains ${rows.map((row) => `${ratio(row.kerasRecipeSeconds / row.kerasCachedSeconds)} (${row.arch})`).join(', ')} from the same approach, so most of the difference is the approach, not the language.`,
  ].join('\n');
  const values = rows.flatMap((row) => [
    { base: row.arch, side: 'Graft (cached features)', v: row.graftSeconds },
    { base: row.arch, side: 'Keras recipe', v: row.kerasRecipeSeconds },
    { base: row.arch, side: 'Keras, cached', v: row.kerasCachedSeconds },
  ]);
  return { markdown: md, chart: { file: 'end-to-end.svg', spec: bars(values, 'side', 'v', 'side', 'base', 'seconds, whole transfer') } };
}

function augmentSection(r: BenchRecord<AugmentCompareResult>): Section {
  const rows = r.result.rows;
  const slower = rows.filter((row) => row.ratio < 1);
  const md = [
    'The same ranges on both sides (rotation 20°, shifts 0.1, shear 10°, zoom 0.15, horizontal flip, brightness 0.8–1.2, channel shift 20, nearest fill), the same synthetic pixels and batch sizes; Graft through `benchAugment` (bench/augment.ts), Keras through `ImageDataGenerator.flow`.',
    '',
    table(['shape', 'images', 'batch', 'Graft (img/s)', 'Keras (img/s)', 'Graft ÷ Keras'],
      rows.map((row) => [row.shape.join('×'), int(row.images), String(row.batchSize), int(row.graftImagesPerSecond), int(row.kerasImagesPerSecond), ratio(row.ratio)])),
    '',
    'Graft-only cases, for reference:',
    '',
    table(['case', 'shape', 'images', 'img/s'], r.result.graftCases.map((c) => [c.case, c.shape.join('×'), int(c.images), int(c.imagesPerSecond)])),
    '',
    '![augmentation](bench/results/augment.svg)',
    '',
    slower.length === 0
      ? 'Graft resamples a whole batch in native ops (one batched affine transform per batch), while ImageDataGenerator transforms one image at a time in Python with SciPy and, for brightness, a round trip through PIL.'
      : `Graft is slower at ${slower.map((s) => s.shape.join('×')).join(', ')}. Why: at large images the cost is the per-pixel resampling and the photometric steps; Graft runs them as separate native ops with float32 intermediates the size of the batch (and converts the output to a JavaScript Float32Array), while SciPy's \`affine_transform\` does the resampling in one compiled pass per channel without intermediates. What would close it: fusing the photometric steps into the sampler's pass, working in smaller batches at large sizes so intermediates stay in cache, and keeping the output as a tensor for the extract stage instead of copying it to JavaScript.`,
  ].join('\n');
  const values = rows.flatMap((row) => [
    { shape: row.shape.join('×'), side: 'Graft', v: row.graftImagesPerSecond },
    { shape: row.shape.join('×'), side: 'Keras ImageDataGenerator', v: row.kerasImagesPerSecond },
  ]);
  return { markdown: md, chart: { file: 'augment.svg', spec: bars(values, 'side', 'v', 'side', 'shape', 'images / s') } };
}

/** Medians of the server's CPU seconds per run on each side, or n/a for records from before it was measured. */
function serverCpuCell(cpu: PipelineOverhead['serverCpuSeconds']): string {
  const known = (values: readonly (number | null)[]) => values.filter((v): v is number => v !== null);
  if (!cpu || known(cpu.temporal).length === 0) return 'n/a';
  const direct = known(cpu.direct);
  return `${f(median(known(cpu.temporal)), 2)} / ${direct.length > 0 ? f(median(direct), 2) : 'n/a'}`;
}

function orchestrationSection(r: BenchRecord<OrchestrationBenchResult>): Section {
  const o = r.result;
  if (!Array.isArray(o.pipelines)) return { markdown: 'The stored result predates this benchmark\'s current form (two pipeline sizes, a headline); run `node dist/bench/run.js --only orchestration`.' };
  const last = o.pipelines[o.pipelines.length - 1]!;
  const md = [
    `The same transfer pipeline (Fashion-MNIST, one augmented copy, EfficientNet-Lite0 with its ImageNet weights at 96 px, head trained 5 epochs, evaluate and publish included), every stage recomputed, through Temporal with an in-process worker vs the same stage plan (workflows/stage-plan.ts) with its activities called directly in one process, one after another. Both sides split each shard stage (augment, extract) the way \`graft run\` does for the workers polling the queues, here the bench's one: one activity per stage, over every shard (the fan-out column; records made before shard groups ran one activity per shard). Two sizes; ${o.reps} repetitions, each running both sizes, and for each size two back-to-back pairs in opposite orders (direct, Temporal, Temporal, direct, or the reverse): the run that goes second in a pair can be slower, whatever its side (the last column but one says by how much, per repetition), and the two orders cancel that. The overhead is the median of the repetitions' own fractions ((ΣTemporal − Σdirect) ÷ ΣTemporal of four runs two minutes apart at most), so that load drifting between repetitions cancels too; the fraction of the two sides' medians, from the same runs unpaired, is shown next to it. Per-stage Temporal times are first-scheduled → last-completed from the workflow history. The dev server runs with one task-queue partition, eager activity dispatch and SQLite in WAL mode (infra/stack).`,
    '',
    table(['pipeline', 'images', 'shards', 'fan-out (activities per shard stage, CPU / GPU queue)', 'activities', 'direct (s)', 'Temporal (s)', 'overhead (share of the run)', 'per repetition', 'unpaired medians', 'no activity running (share of the Temporal run)', 'second run of a pair slower by (s, per repetition)', 'Temporal server CPU per run, Temporal / direct side (s)'],
      o.pipelines.map((p) => [p.size, int(p.images), String(p.shards), p.fanOut ? `${p.fanOut.cpu} / ${p.fanOut.gpu}` : 'one per shard', String(p.activities), f(p.directMedianSeconds, 2), f(p.temporalMedianSeconds, 2), `**${pct(p.overheadFraction)}**`, p.pairedFractions.map(pct).join(', '),
        p.mediansFraction === undefined ? 'n/a' : `${pct(p.mediansFraction)} (${f(p.overheadSeconds, 2)} s)`,
        Array.isArray(p.idleSeconds) ? `${pct(p.idleFraction)} (${p.idleSeconds.map((x) => f(x, 2)).join(', ')} s)` : 'n/a',
        p.secondRunSeconds ? p.secondRunSeconds.map((x) => f(x, 2)).join(', ') : 'n/a',
        serverCpuCell(p.serverCpuSeconds)])),
    '',
    'The idle column is read from each Temporal run\'s history: the time from its first event to its last during which no activity was executing, i.e. the round trips between activities (the workflow start and the client\'s wait for the result are outside it). Unlike the two sides\' difference, it does not move with how much CPU the shared machine left the activities, so it is the steadier measure of what orchestration itself costs. The last column (medians) is the CPU time the dev server process used while each side ran (from /proc): on two cores saturated by the extraction, the server\'s CPU during a Temporal run is time taken from the activities, the cost the idle column does not see.',
    '',
    `Per stage, ${last.size} pipeline, last repetition:`,
    '',
    table(['stage', 'activities', 'direct (s)', 'Temporal (s)', 'overhead (s)'],
      last.stages.map((s) => [s.stage, String(s.activities), f(s.directSeconds, 2), f(s.temporalSeconds, 2), f(s.overheadSeconds, 2)])),
    '',
    '![orchestration](bench/results/orchestration.svg)',
    '',
    'What an activity costs through Temporal on one machine: the schedule → poll → result round trip and the workflow task between stages, milliseconds on a local server once the task queue has one partition (with the default four, a one-slot worker polled one partition while its next task waited on another: 1–2 s per activity). Activities on the workflow\'s own queue are dispatched eagerly in the workflow task\'s reply. The in-process worker shares the Node thread with the work: the per-batch `setImmediate` yield costs the same on both sides, and progress heartbeats are sent at most once a second (the SDK encodes every beat before its core throttles what reaches the server, and a training loop reports every batch). Differences of a few tenths of a second are within the noise of two shared cores; a negative overhead is that noise.',
  ].join('\n');
  const values = last.stages.flatMap((s) => [
    { stage: s.stage, side: 'direct', v: s.directSeconds },
    { stage: s.stage, side: 'Temporal', v: s.temporalSeconds },
  ]);
  return {
    markdown: md,
    chart: {
      file: 'orchestration.svg',
      spec: {
        data: { values }, width: 420, height: 220, mark: 'bar',
        encoding: {
          x: { field: 'stage', type: 'nominal', title: null, sort: last.stages.map((s) => s.stage), axis: { labelAngle: 0 } },
          xOffset: { field: 'side' },
          y: { field: 'v', type: 'quantitative', title: 'seconds' },
          color: { field: 'side', type: 'nominal', title: null },
        },
      },
    },
  };
}

function cacheSection(r: BenchRecord<CacheBenchResult>): Section {
  const c = r.result;
  if (!Array.isArray(c.ratios)) return { markdown: 'The stored result predates this benchmark\'s current form (repetitions, a headline); run `node dist/bench/run.js --only cache`.' };
  const stages = Object.keys(c.rerunOutcomes);
  return {
    markdown: [
      `The small orchestration pipeline (${int(c.images)} images) through Temporal: first with every stage recomputed (\`--no-cache\`), then unchanged; ${c.reps} such pairs, back to back.`,
      '',
      table(['run', 'seconds (each pair)', 'activities', ...stages], [
        ['first', c.firstSeconds.map((x) => f(x, 2)).join(', '), String(c.firstActivities), ...stages.map((s) => c.firstOutcomes[s] ?? '')],
        ['unchanged re-run', c.rerunSeconds.map((x) => f(x, 2)).join(', '), String(c.rerunActivities), ...stages.map((s) => c.rerunOutcomes[s] ?? '')],
      ]),
      '',
      `Re-run ÷ first run: **${pct(c.ratio)}** (median; pairs ${c.ratios.map(pct).join(', ')}). What a re-run costs: one \`lookupPlan\` activity walks the same stage plan over a cache that refuses to write, so every stage returns its verified hit (manifest and checksums of every object) or the walk stops where work would start; the workflow takes the hits instead of scheduling their activities. Ingest skips reading the images when the source files' sizes and modification times are unchanged (their content fingerprint is remembered under that signature); publish is a hit when the same model was published before and the pipeline's current model is still what that publish left.`,
    ].join('\n'),
  };
}

/** Which of the two sizes' training features fit the default training memory budget. */
function trainData(a: { images: number; dataMiB?: number } | undefined, b: { images: number; dataMiB?: number } | undefined): string {
  if (a?.dataMiB === undefined || b?.dataMiB === undefined) return '';
  const how = (x: { dataMiB?: number }) => (x.dataMiB! <= 256 ? 'in memory' : 'streamed');
  return `Here the training features of ${int(a.images)} images (${int(a.dataMiB)} MiB) train ${how(a)}, those of ${int(b.images)} (${int(b.dataMiB)} MiB) ${how(b)},`;
}

function scaleSection(r: BenchRecord<ScaleBenchResult>): Section {
  const s = r.result;
  if (!Array.isArray(s.sizes)) return { markdown: 'The stored result predates this benchmark\'s current form (a peak per stage, a headline); run `node dist/bench/run.js --only scale`.' };
  const [a, b] = s.sizes;
  const row = (size: typeof a, stage: string) => size.stages.find((x) => x.stage === stage);
  const over = SCALE_STAGES.filter((stage) => s.peakRssRatios[stage] > 1.2);
  return {
    markdown: [
      `Every stage recomputed on ${int(a.images)} and ${int(b.images)} Fashion-MNIST images (${s.copies} augmented cop${s.copies === 1 ? 'y' : 'ies'} of each training image, small-cnn features, the head trained for 2 epochs), each stage of each size in a process of its own, handed the earlier stages' shard references: \`maxRSS\` only grows within a process, so a stage measured after another would carry the other's peak. *idle* is a process that loads what the stages load and runs nothing.`,
      '',
      table(['stage', `samples (${int(a.images)})`, `samples (${int(b.images)})`, 'seconds', `peak RSS (MiB, ${int(a.images)})`, `peak RSS (MiB, ${int(b.images)})`, 'ratio'], [
        ['idle', '', '', '', int(a.idle.peakRssMiB), int(b.idle.peakRssMiB), ratio(b.idle.peakRssMiB / a.idle.peakRssMiB)],
        ...SCALE_STAGES.map((stage) => {
          const x = row(a, stage);
          const y = row(b, stage);
          return [stage, int(x?.samples ?? Number.NaN), int(y?.samples ?? Number.NaN), `${f(x?.seconds ?? Number.NaN)} / ${f(y?.seconds ?? Number.NaN)}`,
            int(x?.peakRssMiB ?? Number.NaN), int(y?.peakRssMiB ?? Number.NaN), `**${ratio(s.peakRssRatios[stage])}**`];
        }),
      ]),
      '',
      `Large ÷ small: images ${ratio(s.imagesRatio)}; peak RSS at most **${ratio(Math.max(...SCALE_STAGES.map((stage) => s.peakRssRatios[stage])))}** (goal ≤ 1.2× for every stage)${over.length > 0 ? `; over the goal: ${over.join(', ')}` : ''}. A streaming stage holds a shard (2,048 images here), not its split: ingest a page of decoded images (the source is spilled to a local file; each image's label and split draw, about 20 bytes, stay in memory), augment and extract one shard, evaluate one test shard (the predicted and true classes accumulate). Training holds its split in memory up to \`GRAFT_TRAIN_MEMORY_MB\` (256 MiB by default) and streams it from its shards, a window of two at a time, beyond that. ${trainData(row(a, 'train'), row(b, 'train'))} so training's peak is bounded by that budget, not by the shard.${over.length > 0 ? ` Over the goal, and so still holding more than a shard's worth of its data: ${over.join(', ')}.` : ''}`,
    ].join('\n'),
  };
}

function ceilingSection(r: BenchRecord<CeilingBenchResult>): Section {
  const c = r.result;
  return {
    markdown: [
      `Measured ceiling: ${c.matmulSize}×${c.matmulSize} float32 matmul on the native backend, **${f(c.matmulGflops)} GFLOP/s** (the best of ${c.matmulRuns?.length ?? 1} measurements taken around the extractions: ${(c.matmulRuns ?? [c.matmulGflops]).map((g) => f(g)).join(', ')}; the machine is shared, so load shifts between them). Extraction's achieved rate counts conv and dense FLOPs analytically (2 per multiply-add; batch norm, ReLU and pooling left out), times the measured images/s of \`extractFeatures\`.`,
      '',
      table(['base', 'input', 'GFLOP / image', 'images/s', 'achieved GFLOP/s', 'of ceiling'],
        c.rows.map((row) => [row.arch, row.inputShape.join('×'), f(row.gflopPerImage, 4), int(row.imagesPerSecond), f(row.achievedGflops), pct(row.fractionOfCeiling)])),
      '',
      c.rows.some((row) => row.fractionOfCeiling > 1)
        ? `A fraction above 100% means the measured matmul is not the machine's peak: on this build the ${c.matmulSize}² \`MatMul\` tfjs-node issues runs slower than TensorFlow's convolution kernels do on VGG16's deep, wide layers (so the matmul figure is a floor for the ceiling, not the ceiling). small-cnn stays well below it: its early layers have few channels (little arithmetic per byte moved), and the uncounted BN/ReLU/pool ops and per-op dispatch weigh more on a 15 MFLOP network. Running the base as one optimized graph (fused conv + BN + ReLU) is the main lever for small bases.`
        : 'Convolutions reach a fraction of matmul\'s rate: early layers have few channels (little arithmetic per byte moved), the uncounted BN/ReLU/pool ops and per-op dispatch take time, and 3×3 convolutions are not one big GEMM. Running the base as one optimized graph (fused conv + BN + ReLU) is the main lever.',
    ].join('\n'),
  };
}

function accuracySection(r: BenchRecord<AccuracyBenchResult>): Section {
  const a = r.result;
  const models = ['transfer', 'fine-tune', 'scratch'] as const;
  const budgets = a.plan.budgets;
  const row = (n: number, model: AccuracyModel) => a.rows.find((x) => x.labelsPerClass === n && x.model === model);
  const seeds = a.plan.seeds;
  const spread = seeds.length > 1;
  const cell = (n: number, model: AccuracyModel): string => {
    const x = row(n, model);
    if (!x) return 'not run';
    return spread ? `**${pct(x.mean)}** ± ${f(100 * x.std)} (${f(100 * x.min)}–${f(100 * x.max)})` : `**${pct(x.mean)}**`;
  };
  const pts = (x: number): string => `${x >= 0 ? '+' : '−'}${f(Math.abs(100 * x))}`;
  // Best frozen/fine-tuned model minus scratch, per budget, in mean accuracy.
  const leads = budgets.map((b) => {
    const pretrained = (['transfer', 'fine-tune'] as const).map((m) => row(b.labelsPerClass, m)).filter((x) => x !== undefined);
    const best = pretrained.reduce((p, q) => (q.mean > p.mean ? q : p));
    const scratch = row(b.labelsPerClass, 'scratch')!;
    return { n: b.labelsPerClass, best, scratch, lead: best.mean - scratch.mean, everySeed: best.accuracies.every((acc, i) => acc > scratch.accuracies[i]!) };
  });
  const first = leads[0]!;
  const last = leads[leads.length - 1]!;
  const flipped = leads.find((l) => l.lead <= 0);
  const maxEpochs = Math.max(...budgets.map((b) => b.scratchEpochs));
  const fewerEpochs = budgets.filter((b) => b.scratchEpochs < maxEpochs);
  const leadText = [
    `Mean lead of the better ImageNet model (transfer or fine-tune) over scratch: ${leads.map((l) => `${pts(l.lead)} points at ${l.n} labels/class (${l.best.model}${spread ? `, ${l.everySeed ? 'ahead at every seed' : 'not ahead at every seed'}` : ''})`).join('; ')}.`,
    leads.length < 2
      ? ''
      : flipped
      ? `Scratch catches up by ${flipped.n} labels per class: with that many labels a small CNN trained at the images' own 28 px matches or beats frozen features learned on photos, which see these images upscaled ${f(a.transfer.inputSize / 28, 0)}×.`
      : last.lead < first.lead
        ? `The lead shrinks from ${f(100 * first.lead)} to ${f(100 * last.lead)} points as labels grow from ${first.n} to ${last.n} per class: few labels are where pretrained features pay most, while the small CNN, trained on the images at their own 28 px, closes in once it has labels to learn from.`
        : `The lead does not shrink between ${first.n} and ${last.n} labels per class here.`,
    fewerEpochs.length > 0 ? `Scratch trains ${fewerEpochs.map((b) => `${b.scratchEpochs} epochs at ${b.labelsPerClass}`).join(', ')} instead of ${maxEpochs} (for time), so its figure${fewerEpochs.length > 1 ? 's' : ''} there may understate what longer training reaches.` : '',
  ].filter((s) => s !== '').join(' ');
  const tuned = budgets.filter((b) => row(b.labelsPerClass, 'fine-tune'));
  const tuneText = tuned.length === 0 ? '' : ` Fine-tuning \`${a.fineTune?.fromLayer}\` after the head changes the frozen model's mean by ${tuned.map((b) => `${pts(row(b.labelsPerClass, 'fine-tune')!.mean - row(b.labelsPerClass, 'transfer')!.mean)} points at ${b.labelsPerClass}`).join(', ')}, at the cost of a ${a.transfer.inputSize} px forward pass through the whole base per training image and epoch (and a ${a.transfer.inputSize} px pass over the test images to evaluate it).`;
  const fullLabels = a.imagesPerClass - a.plan.testPerClass;
  const fullMinutes = (fullLabels * a.classes) / a.extract.imagesPerSecond / 60;
  const span = (xs: readonly number[]): string => (Math.min(...xs) === Math.max(...xs) ? int(xs[0]!) : `${int(Math.min(...xs))}–${int(Math.max(...xs))}`);
  const testImages = a.rows[0]?.testImages ?? [];
  const short = budgets.filter((b) => row(b.labelsPerClass, 'transfer')!.labelledImages.some((n) => n < b.labelsPerClass * a.classes));
  const aug = a.augment;
  const md = [
    `Fashion-MNIST, all ${a.classes} classes, N labelled training images per class, through Graft's stage activities called in-process (ingest, augment, base, extract, train-head, fine-tune, train, evaluate; bench/direct-pipeline.ts). The two demo pipelines, \`${a.pipelines.transfer}\` and \`${a.pipelines.scratch}\`, are loaded as they are; only the label budget (\`dataset.split.trainPerClass\`), the seeds, the held-out set, the augmentation copies and the scratch epochs change, all fixed before any run, none tuned on test accuracy. Each seed (${seeds.join(', ')}) sets \`split.seed\` and \`augment.seed\`: ${int(a.limitPerClass)} images per class are drawn and the split is asked for ${a.plan.testPerClass} test images per class (\`split.test\` ${f(a.testFraction, 4)}; ${span(testImages)} test images in all over the seeds), and every row of a seed is tested on the same images whatever its budget; a smaller budget's training images are part of a larger one's.${short.length === 0 ? '' : ` Short of labels: ${short.map((b) => `at ${b.labelsPerClass} labels/class the runs had ${row(b.labelsPerClass, 'transfer')!.labelledImages.join(', ')} labelled images`).join('; ')}.`}`,
    '',
    `- **transfer**: ${a.transfer.architecture} with ${a.transfer.weights === 'imagenet' ? 'ImageNet' : (a.transfer.weights ?? 'its')} weights, frozen, at ${a.transfer.inputSize} px (the 28×28 gray images resized and replicated to RGB in the model), head \`${a.transfer.headStrategy}\` trained ${a.transfer.headEpochs} epochs on the cached features (batch ${a.transfer.batchSize}, Adam ${a.transfer.learningRate}).`,
    ...(a.fineTune ? [`- **fine-tune**: that run continued with the base from \`${a.fineTune.fromLayer}\` unfrozen, ${a.fineTune.epochs} epoch${a.fineTune.epochs === 1 ? '' : 's'} at ${a.fineTune.learningRate}.`] : []),
    `- **scratch**: ${a.scratch.architecture} at 28 px from random weights, dense head [${a.scratch.hidden.join(', ')}] with dropout ${a.scratch.dropout} (batch ${a.scratch.batchSize}, Adam ${a.scratch.learningRate}).`,
    `- augmentation (the same for every model of a budget): horizontal flip ${aug.horizontalFlip ? 'on' : 'off'}, rotation ±${aug.rotationRange}°, shifts ${aug.widthShiftRange}/${aug.heightShiftRange}, zoom ${aug.zoomRange.join('–')}; copies per labelled image as below.`,
    '',
    table(['labels/class', 'augmented copies', 'training samples', 'scratch epochs', 'fine-tune'],
      budgets.map((b) => [String(b.labelsPerClass), String(b.augmentCopies), int(b.labelsPerClass * a.classes * (1 + b.augmentCopies)), String(b.scratchEpochs), b.fineTune ? 'yes' : 'no (time)'])),
    '',
    `Test accuracy, ${spread ? `mean ± standard deviation in points (min–max) over ${seeds.length} seeds` : `one seed (${seeds.join(', ')})`}:`,
    '',
    table(['labels/class', ...models, 'test images'],
      budgets.map((b) => [String(b.labelsPerClass), ...models.map((m) => cell(b.labelsPerClass, m)), span(row(b.labelsPerClass, 'transfer')?.testImages ?? [Number.NaN])])),
    '',
    `Training seconds, mean over the seeds (transfer: base + extraction of the training images + head; fine-tune: that + the fine-tune stage; scratch: its training; ingest, augmentation and evaluation left out). The machine is shared: its 1-minute load average after each run ranged ${f(Math.min(...a.loadAverages), 1)}–${f(Math.max(...a.loadAverages), 1)} on ${r.machine.logicalCores} cores, so read the seconds as rough. The held-out images go through the base once per seed: extraction keys on a shard's content, so the other budgets' runs of the seed took their features from the cache (${a.extract.heldOutComputed} held-out shard(s) extracted, ${a.extract.heldOutCached} reused).`,
    '',
    table(['labels/class', ...models], budgets.map((b) => [String(b.labelsPerClass), ...models.map((m) => { const x = row(b.labelsPerClass, m); return x ? f(x.trainSecondsMean) : '—'; })])),
    '',
    '![accuracy](bench/results/accuracy.svg)',
    '',
    `${leadText}${tuneText}`,
    '',
    `Not in the table: the full set (${int(fullLabels)} labels per class once the test images are held out). At the ${int(a.extract.imagesPerSecond)} images/s this run's ${a.transfer.inputSize} px base extracted, its ${int(fullLabels * a.classes)} training images alone would take about ${f(fullMinutes, 0)} minutes per seed${spread ? ` (${f(fullMinutes * seeds.length, 0)} for ${seeds.length} seeds)` : ''}, before any fine-tuning or from-scratch training${fullMinutes * seeds.length > a.plan.timeBudgetMinutes ? `: past the ${a.plan.timeBudgetMinutes} minutes this whole run was sized for` : ''}.`,
  ].join('\n');
  const names: Record<AccuracyModel, string> = { transfer: 'transfer (frozen ImageNet base)', 'fine-tune': 'fine-tune', scratch: 'scratch (small CNN)' };
  const values = a.rows.map((x) => ({ n: x.labelsPerClass, model: names[x.model], mean: x.mean, min: x.min, max: x.max }));
  const x = { field: 'n', type: 'quantitative' as const, title: 'labelled images per class', scale: { type: 'log' as const } };
  const color = { field: 'model', type: 'nominal' as const, title: null };
  return {
    markdown: md,
    chart: {
      file: 'accuracy.svg',
      spec: {
        data: { values }, width: 360, height: 220,
        layer: [
          { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'test accuracy', axis: { format: '%' } }, color } },
          { mark: { type: 'rule' }, encoding: { x, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' }, color } },
        ],
      },
    },
  };
}

function machineSection(results: Results): string {
  const records = Object.values(results) as BenchRecord[];
  const m = records[0]?.machine;
  const peer = records.map((r) => (r.result as { peer?: PeerInfo }).peer).find((p) => p !== undefined);
  if (!m) return '';
  return [
    table(['', ''], [
      ['CPU', `${m.cpuModel}, ${m.logicalCores} logical cores (shared with other work: timings are noisy, so every comparison is a ratio measured side by side in one invocation)`],
      ['memory', `${m.memoryGiB} GiB`],
      ['Graft', `Node ${m.node}, tfjs ${m.tfjs}, backend \`${m.tfjsBackend}\`, native TensorFlow ${m.nativeTensorflow}`],
      ...(peer ? [['Keras peer', `Python ${peer.python}, TensorFlow ${peer.tensorflow}, Keras ${peer.keras}, NumPy ${peer.numpy} (tensorflow-cpu from PyPI, bench/python/requirements.txt)`]] : []),
      ['runs (load average at start)', records.map((r) => `${r.name} ${r.startedAt.slice(0, 16).replace('T', ' ')}${r.loadAtStart !== undefined ? ` (${r.loadAtStart})` : ''}${r.quick ? ' (quick)' : ''}`).join('; ')],
    ]),
  ].join('\n');
}

/** The benchmarks issue 16 sets a goal for, in its order: each should carry a headline. */
const GOAL_BENCHMARKS = ['orchestration', 'head', 'cache', 'end-to-end', 'extract'] as const;

/** A headline figure in its unit: fractions as percentages, ratios with ×. */
function headlineValue(value: number, unit: string): string {
  if (unit.startsWith('fraction')) return pct(value);
  if (unit.startsWith('×')) return `${f(value, 2)}${unit}`;
  return `${f(value, 2)} ${unit}`;
}

/** Every headline against its goal, one row each; a goal benchmark without one says so. */
export function goalsSection(results: Results): string {
  const records = Object.values(results) as BenchRecord[];
  const rows = records.flatMap((r) => [r.headline, ...(r.moreHeadlines ?? [])].flatMap((h) => (h ? [{ name: r.name, h, r }] : [])));
  rows.sort((a, b) => rank(a.name) - rank(b.name));
  const missing = GOAL_BENCHMARKS.filter((name) => !records.some((r) => r.name === name && r.headline));
  return [
    table(['benchmark', 'what', 'measured', 'goal', 'met', 'run'], [
      ...rows.map(({ name, h, r }) => [
        name, h.what, `**${headlineValue(h.value, h.unit)}**`, `${h.better === 'lower' ? '≤' : '≥'} ${headlineValue(h.goal, h.unit)}`,
        headlineMet(h) ? 'yes' : 'no', `${r.startedAt.slice(0, 16).replace('T', ' ')}${r.loadAtStart !== undefined ? `, load ${r.loadAtStart}` : ''}`,
      ]),
      ...missing.map((name) => [name, 'no headline in the stored result (measured before the goals, or not yet run)', 'n/a', '', '', '']),
    ]),
  ].join('\n');
}

function rank(name: string): number {
  const i = (GOAL_BENCHMARKS as readonly string[]).indexOf(name);
  return i === -1 ? GOAL_BENCHMARKS.length : i;
}

const BUILDERS: { [K in keyof Results]-?: (r: NonNullable<Results[K]>) => Section } = {
  extract: extractSection, head: headSection, 'end-to-end': endToEndSection, augment: augmentSection,
  orchestration: orchestrationSection, cache: cacheSection, scale: scaleSection, ceiling: ceilingSection, accuracy: accuracySection,
};

/** Writes the markdown report (with chart SVGs next to the JSON results) from every result in `dir`. */
export async function writeReport(dir: string, markdownFile: string): Promise<void> {
  const results = readResults(dir);
  const sections: { title: string; section: Section }[] = [];
  for (const name of Object.keys(BUILDERS) as (keyof Results)[]) {
    const record = results[name];
    if (!record) continue;
    const build = BUILDERS[name] as (r: BenchRecord) => Section;
    sections.push({ title: record.title, section: build(record) });
  }
  const charts = sections.flatMap((s) => (s.section.chart ? [s.section.chart] : []));
  const svgs = await renderVegaLiteSvgs(charts.map((c) => c.spec));
  charts.forEach((c, i) => fs.writeFileSync(path.join(dir, c.file), svgs[i]!));
  const relDir = path.relative(path.dirname(markdownFile), dir) || '.';
  const body = sections.map((s) => `## ${s.title}\n\n${s.section.markdown.replaceAll('](bench/results/', `](${relDir}/`)}`).join('\n\n');
  const doc = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts) from the JSON results in bench/results/; do not edit by hand. `node dist/bench/run.js --only <name>` re-runs one benchmark, `--quick` runs tiny sizes into a temp folder. The Keras peer runs in a private virtualenv made by bench/python/setup.sh.',
    '',
    '## Goals',
    '',
    'Each benchmark\'s headline figure against its goal (issue 16), as stored in its result\'s `headline`; the sections below give the detail and the spread.',
    '',
    goalsSection(results),
    '',
    '## Machine',
    '',
    machineSection(results),
    '',
    body,
    '',
  ].join('\n');
  fs.writeFileSync(markdownFile, doc);
}

export const DEFAULT_RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');
