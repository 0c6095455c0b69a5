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
  /** For a layer that is itself a model (a Keras application used as a base, say): its graph, until inlined. */
  readonly nested?: KerasGraph;
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
 * 3). Sequential models become a chain from their input layer; models
 * used as layers are inlined.
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
    const nested = MODEL_CLASSES.has(layer.class_name) ? parseKerasModelConfig(layer, description) : undefined;
    return { className: layer.class_name, name: layerName, config: layer.config, buildInputShape, inboundNodes: layer.inbound_nodes, nested };
  });
  if (json.class_name === 'Sequential') return inlineNested(sequentialGraph(name, raw, json, bad), description);
  const layers = raw.map((l) => ({
    className: l.className, name: l.name, config: l.config, buildInputShape: l.buildInputShape,
    inbound: Array.isArray(l.inboundNodes) ? l.inboundNodes.map((node) => nodeInputs(node, bad)) : [],
    ...(l.nested ? { nested: l.nested } : {}),
  }));
  return inlineNested({ name, layers, inputs: tensorRefs(config.input_layers, bad), outputs: tensorRefs(config.output_layers, bad) }, description);
}

/**
 * Replaces each layer that is a model by its own layers, wired to the
 * tensors its call took, so the graph is flat (as Graft's models are). A
 * frozen nested model (trainable: false) freezes each of its layers, as in
 * Keras. Layer names must stay unique across the levels.
 */
function inlineNested(graph: KerasGraph, description: string): KerasGraph {
  if (!graph.layers.some((l) => l.nested)) return graph;
  const outerNames = new Set(graph.layers.map((l) => l.name));
  const outputsOf = new Map<string, readonly KerasTensorRef[]>();
  const flat: KerasLayer[] = [];
  for (const layer of graph.layers) {
    const inner = layer.nested;
    if (inner === undefined) {
      flat.push(layer);
      continue;
    }
    if (layer.inbound.length !== 1) {
      throw new ModelError(`${description}: nested model '${layer.name}' is called ${layer.inbound.length} times; Graft imports a nested model called once`);
    }
    const given = new Map(inner.inputs.map((ref, i) => [ref.layer, layer.inbound[0]![i]!]));
    const frozen = layer.config.trainable === false;
    for (const l of inner.layers) {
      if (given.has(l.name)) continue; // the nested input layers: the call's tensors take their place
      if (outerNames.has(l.name)) throw new ModelError(`${description}: layer name '${l.name}' is used both inside nested model '${layer.name}' and outside it`);
      flat.push({
        ...l,
        config: frozen ? { ...l.config, trainable: false } : l.config,
        inbound: l.inbound.map((node) => node.map((ref) => given.get(ref.layer) ?? ref)),
      });
    }
    outputsOf.set(layer.name, inner.outputs);
  }
  const resolve = (ref: KerasTensorRef): KerasTensorRef => {
    const outputs = outputsOf.get(ref.layer);
    if (outputs === undefined) return ref;
    const out = outputs[ref.tensor];
    if (out === undefined) throw new ModelError(`${description}: nested model '${ref.layer}' has no output ${ref.tensor}`);
    return resolve(out);
  };
  return {
    name: graph.name,
    layers: flat.map((l) => ({ ...l, inbound: l.inbound.map((node) => node.map(resolve)) })),
    inputs: graph.inputs,
    outputs: graph.outputs.map(resolve),
  };
}

function sequentialGraph(
  name: string, raw: { className: string; name: string; config: Json; buildInputShape: unknown; nested?: KerasGraph }[], json: Json,
  bad: (why: string) => Error,
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
    layers.push({
      className: layer.className, name: layer.name, config: layer.config, buildInputShape: layer.buildInputShape,
      inbound: [[{ layer: layers[layers.length - 1]!.name, node: 0, tensor: 0 }]], ...(layer.nested ? { nested: layer.nested } : {}),
    });
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
