import { ModelError } from '../../../errors';

/** One output of one call of a layer, as Keras's configs point at it. */
export interface KerasTensorRef {
  readonly layer: string;
  readonly node: number;
  readonly tensor: number;
}

/** A layer of a Keras model config, with the tensors each of its calls takes. */
export interface KerasLayer {
  readonly className: string;
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** The input shape Keras 3 records in the layer's `build_config`, if any. */
  readonly buildInputShape?: unknown;
  /** One entry per call of the layer (node), each the list of its input tensors. */
  readonly inbound: readonly (readonly KerasTensorRef[])[];
}

/** A functional graph: what both Keras 3 and Keras 2 configs, Sequential or Functional, reduce to. */
export interface KerasGraph {
  readonly name: string;
  readonly layers: readonly KerasLayer[];
  readonly inputs: readonly KerasTensorRef[];
  readonly outputs: readonly KerasTensorRef[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const MODEL_CLASSES = new Set(['Functional', 'Model', 'Sequential']);

/**
 * The graph of a Keras model config: `config.json` of a Keras 3 `.keras`
 * archive, or the `model_config` attribute of a legacy HDF5 file (Keras 2 or
 * 3). Sequential models become a chain from their input layer.
 */
export function parseKerasModelConfig(json: unknown, description: string): KerasGraph {
  const bad = (why: string) => new ModelError(`${description}: unreadable Keras model config (${why})`);
  if (!isObject(json) || typeof json.class_name !== 'string' || !isObject(json.config)) throw bad('no class_name/config');
  if (!MODEL_CLASSES.has(json.class_name)) {
    throw new ModelError(`${description}: the file holds a ${json.class_name}, not a Functional or Sequential model`);
  }
  const config = json.config;
  const name = typeof config.name === 'string' ? config.name : 'model';
  if (!Array.isArray(config.layers)) throw bad('no layers');
  const raw = config.layers.map((layer, i) => {
    if (!isObject(layer) || typeof layer.class_name !== 'string' || !isObject(layer.config)) throw bad(`layer ${i} has no class_name/config`);
    const layerName = typeof layer.name === 'string' ? layer.name : typeof layer.config.name === 'string' ? layer.config.name : undefined;
    if (layerName === undefined) throw bad(`layer ${i} has no name`);
    const buildInputShape = isObject(layer.build_config) ? layer.build_config.input_shape : undefined;
    return { className: layer.class_name, name: layerName, config: layer.config, buildInputShape, inboundNodes: layer.inbound_nodes };
  });
  if (json.class_name === 'Sequential') return sequentialGraph(name, raw, json, bad);
  const layers = raw.map((l) => ({
    className: l.className, name: l.name, config: l.config, buildInputShape: l.buildInputShape,
    inbound: Array.isArray(l.inboundNodes) ? l.inboundNodes.map((node) => nodeInputs(node, bad)) : [],
  }));
  return { name, layers, inputs: tensorRefs(config.input_layers, bad), outputs: tensorRefs(config.output_layers, bad) };
}

function sequentialGraph(
  name: string, raw: { className: string; name: string; config: Json; buildInputShape: unknown }[], json: Json, bad: (why: string) => Error,
): KerasGraph {
  const layers: KerasLayer[] = [];
  let rest = raw;
  if (raw[0]?.className === 'InputLayer') {
    layers.push({ className: 'InputLayer', name: raw[0].name, config: raw[0].config, inbound: [] });
    rest = raw.slice(1);
  } else {
    // No InputLayer: the shape is where Keras 3 (build_config) or Keras 2 (build_input_shape, batch_input_shape) keeps it.
    const buildConfig = isObject(json.build_config) ? json.build_config : {};
    const config = isObject(json.config) ? json.config : {};
    const shape = buildConfig.input_shape ?? config.build_input_shape ?? rest[0]?.config.batch_input_shape ?? rest[0]?.config.batch_shape;
    if (!Array.isArray(shape)) throw bad('a Sequential model without an input shape');
    layers.push({ className: 'InputLayer', name: `${name}_input`, config: { batch_shape: shape, name: `${name}_input` }, inbound: [] });
  }
  for (const layer of rest) {
    layers.push({ className: layer.className, name: layer.name, config: layer.config, buildInputShape: layer.buildInputShape, inbound: [[{ layer: layers[layers.length - 1]!.name, node: 0, tensor: 0 }]] });
  }
  const first = layers[0]!.name;
  const last = layers[layers.length - 1]!.name;
  return { name, layers, inputs: [{ layer: first, node: 0, tensor: 0 }], outputs: [{ layer: last, node: 0, tensor: 0 }] };
}

/** The input tensors of one call: Keras 3 `{args, kwargs}` or Keras 2 `[[name, node, tensor, kwargs], …]`. */
function nodeInputs(node: unknown, bad: (why: string) => Error): KerasTensorRef[] {
  if (isObject(node)) {
    const refs: KerasTensorRef[] = [];
    collectKerasTensors(node.args, refs);
    return refs;
  }
  if (Array.isArray(node)) return node.map((entry) => tensorRef(entry, bad));
  throw bad('an inbound node that is neither a list nor {args, kwargs}');
}

function collectKerasTensors(value: unknown, into: KerasTensorRef[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectKerasTensors(v, into);
  } else if (isObject(value) && value.class_name === '__keras_tensor__' && isObject(value.config)) {
    const history = value.config.keras_history;
    if (Array.isArray(history) && typeof history[0] === 'string') {
      into.push({ layer: history[0], node: Number(history[1] ?? 0), tensor: Number(history[2] ?? 0) });
    }
  }
}

function tensorRef(entry: unknown, bad: (why: string) => Error): KerasTensorRef {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw bad(`a tensor reference ${JSON.stringify(entry)}`);
  return { layer: entry[0], node: Number(entry[1] ?? 0), tensor: Number(entry[2] ?? 0) };
}

function tensorRefs(value: unknown, bad: (why: string) => Error): KerasTensorRef[] {
  if (!Array.isArray(value)) throw bad('no input_layers/output_layers');
  // One tensor may be written bare, [name, node, tensor], instead of a list of them.
  if (typeof value[0] === 'string') return [tensorRef(value, bad)];
  return value.map((entry) => tensorRef(entry, bad));
}
