import * as tf from '@tensorflow/tfjs-node';
import { convWithBias, nativeConvWithBias } from './native-ops';

type Sym = tf.SymbolicTensor;
type GraphNode = tf.layers.Layer['inboundNodes'][number];

const CONVS = new Set(['Conv2D', 'DepthwiseConv2D']);

/**
 * An inference-only copy of `model` in which every BatchNormalization that
 * directly follows a linear Conv2D / DepthwiseConv2D (one the BN alone reads)
 * is folded into that conv's kernel and bias: in eager tfjs-node BN is its
 * own pass over the activations, ~1/5 of EfficientNet-Lite0's extraction
 * time, and a folded Conv2D adds its bias inside the conv (useNativeBias).
 *
 * The copy has the same inputs and outputs. Folded convs are new layers with
 * new weights; every other layer (nested models and custom layers included)
 * is the original object, shared with `model`: disposing either model leaves
 * the other usable (layers are reference-counted). Inference only: the
 * folded convs have no BN to train, so never fine-tune, export or publish it.
 */
export function foldBatchNorm(model: tf.LayersModel): tf.LayersModel {
  const nodes = graphNodes(model);
  const consumers = countConsumers(nodes, model.outputs);
  const mapped = new Map<number, Sym>(model.inputs.map((x) => [x.id, x]));
  const get = (x: Sym): Sym => {
    const y = mapped.get(x.id);
    if (!y) throw new Error(`foldBatchNorm: tensor '${x.name}' of model '${model.name}' is used before it is made`);
    return y;
  };
  // Planned before any layer is applied again: applying adds inbound nodes, which the checks count.
  const plan = new Map<GraphNode, tf.layers.Layer>();
  for (const node of nodes) {
    const conv = foldableConv(node, consumers);
    if (conv) plan.set(node, conv);
  }
  const foldedConvs = new Set([...plan.values()]);
  for (const node of nodes) {
    const layer = node.outboundLayer;
    if (isInput(node) || foldedConvs.has(layer)) continue; // inputs are mapped above; a folded conv runs in its BN's place
    const conv = plan.get(node);
    let outputs: Sym | Sym[];
    if (conv) {
      const convNode = conv.inboundNodes[0]!;
      outputs = foldedConv(conv, layer).apply(get(convNode.inputTensors[0]!)) as Sym;
    } else {
      const inputs = node.inputTensors.map(get);
      outputs = layer.apply(inputs.length === 1 ? inputs[0]! : inputs, node.callArgs ?? {}) as Sym | Sym[];
    }
    const list = Array.isArray(outputs) ? outputs : [outputs];
    node.outputTensors.forEach((x, i) => mapped.set(x.id, list[i]!));
  }
  // Not marked untrainable as a whole: that would reach into the shared layers' weights.
  return tf.model({ inputs: model.inputs, outputs: model.outputs.map(get), name: plan.size > 0 ? `${model.name}_folded` : model.name });
}

/**
 * The nodes that compute `model`'s outputs, each after those it reads: walked
 * back from the outputs, so nodes another model added to a shared layer are
 * never visited.
 */
function graphNodes(model: tf.LayersModel): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  // Iterative post-order: a recursive walk could overflow the stack on a deep net.
  const stack: Array<{ node: GraphNode; expanded: boolean }> = model.outputs.map((x) => ({ node: nodeOf(x), expanded: false }));
  stack.reverse();
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (seen.has(top.node)) continue;
    if (top.expanded) {
      seen.add(top.node);
      order.push(top.node);
      continue;
    }
    stack.push({ node: top.node, expanded: true });
    for (const x of [...inputsOf(top.node)].reverse()) {
      const parent = nodeOf(x);
      if (!seen.has(parent)) stack.push({ node: parent, expanded: false });
    }
  }
  return order;
}

// An input layer's node lists its own output as its input.
function isInput(node: GraphNode): boolean {
  return node.inboundLayers.length === 0;
}

function inputsOf(node: GraphNode): readonly Sym[] {
  return isInput(node) ? [] : node.inputTensors;
}

function nodeOf(x: Sym): GraphNode {
  const node = x.sourceLayer.inboundNodes[x.nodeIndex];
  if (!node) throw new Error(`foldBatchNorm: tensor '${x.name}' has no producing node`);
  return node;
}

/** How many times each tensor (by id) is read inside the graph, model outputs counted. */
function countConsumers(nodes: readonly GraphNode[], outputs: readonly Sym[]): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (x: Sym) => counts.set(x.id, (counts.get(x.id) ?? 0) + 1);
  for (const node of nodes) inputsOf(node).forEach(add);
  outputs.forEach(add);
  return counts;
}

/** The conv this BN node can be folded into, or undefined to keep the BN. */
function foldableConv(node: GraphNode, consumers: ReadonlyMap<number, number>): tf.layers.Layer | undefined {
  const bn = node.outboundLayer;
  if (bn.getClassName() !== 'BatchNormalization' || bn.inboundNodes.length !== 1 || node.inputTensors.length !== 1) return undefined;
  const x = node.inputTensors[0]!;
  const conv = x.sourceLayer;
  if (!CONVS.has(conv.getClassName()) || conv.inboundNodes.length !== 1) return undefined;
  if ((consumers.get(x.id) ?? 0) !== 1) return undefined; // the conv's raw output is needed elsewhere
  const convConfig = conv.getConfig();
  if ((convConfig.activation ?? 'linear') !== 'linear') return undefined;
  // BN must normalize the conv's channel axis.
  const rank = x.shape.length;
  const channelAxis = convConfig.dataFormat === 'channelsFirst' ? 1 : rank - 1;
  const axis = bnConfig(bn).axis;
  return (axis < 0 ? axis + rank : axis) === channelAxis ? conv : undefined;
}

interface BnConfig {
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
}

function bnConfig(bn: tf.layers.Layer): BnConfig {
  const c = bn.getConfig();
  const axis = Array.isArray(c.axis) ? (c.axis.length === 1 ? Number(c.axis[0]) : NaN) : Number(c.axis ?? -1);
  return { axis, epsilon: Number(c.epsilon ?? 1e-3), center: c.center !== false, scale: c.scale !== false };
}

/**
 * A new conv computing conv(x) then BN in one op:
 * s = γ / √(var + ε), kernel′ = kernel · s (per output channel), bias′ = (bias − mean) · s + β.
 */
function foldedConv(conv: tf.layers.Layer, bn: tf.layers.Layer): tf.layers.Layer {
  const config = { ...conv.getConfig(), useBias: true, trainable: false };
  const depthwise = conv.getClassName() === 'DepthwiseConv2D';
  const layer = depthwise ? tf.layers.depthwiseConv2d(config as unknown as Parameters<typeof tf.layers.depthwiseConv2d>[0])
    : tf.layers.conv2d(config as unknown as Parameters<typeof tf.layers.conv2d>[0]);
  const inputShape = conv.inboundNodes[0]!.inputTensors[0]!.shape;
  layer.build(inputShape);
  const weights = tf.tidy(() => {
    const { epsilon, center, scale } = bnConfig(bn);
    const [kernel, bias] = conv.getWeights() as [tf.Tensor4D, tf.Tensor1D?];
    // tfjs builds BN's weights in this order: gamma (scale), beta (center), moving mean, moving variance.
    const bnWeights = bn.getWeights();
    let i = 0;
    const gamma = scale ? bnWeights[i++]! : undefined;
    const beta = center ? bnWeights[i++]! : undefined;
    const mean = bnWeights[i++]!;
    const variance = bnWeights[i++]!;
    const s = tf.div(gamma ?? tf.scalar(1), tf.sqrt(tf.add(variance, epsilon)));
    // Depthwise kernels are [kh, kw, inC, multiplier]: output channel c·multiplier + m.
    const k = depthwise ? tf.mul(kernel, tf.reshape(s, [kernel.shape[2], kernel.shape[3]])) : tf.mul(kernel, s);
    const shifted = tf.mul(tf.sub(bias ?? tf.zerosLike(mean), mean), s);
    return [k, beta ? tf.add(shifted, beta) : shifted];
  });
  try {
    layer.setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
  if (!depthwise) useNativeBias(layer);
  return layer;
}

/**
 * Folding alone saves nothing in eager tfjs-node: its conv-with-bias is a
 * conv and then a separate add, a pass over the activations as costly as the
 * BN it replaces. oneDNN's conv-with-bias op adds the bias inside the conv at
 * no measurable cost, so a folded Conv2D calls it directly where the native
 * backend has it (checked once against conv + add); elsewhere, and for
 * depthwise convs (which have no such op), the layer's own call runs.
 */
function useNativeBias(layer: tf.layers.Layer): void {
  const c = layer.getConfig();
  if (c.dataFormat !== 'channelsLast' || (c.activation ?? 'linear') !== 'linear' || !nativeConvWithBias()) return;
  const strides = pair(c.strides);
  const dilations = pair(c.dilationRate);
  const padding = c.padding === 'valid' ? 'VALID' : c.padding === 'same' ? 'SAME' : undefined;
  if (!strides || !dilations || !padding) return;
  const [kernel, bias] = layer.weights;
  if (!kernel || !bias) return;
  const original = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!x || x.rank !== 4 || x.dtype !== 'float32') return original(inputs, kwargs);
    return convWithBias(x, kernel.read(), bias.read(), strides, dilations, padding);
  };
}

function pair(value: unknown): [number, number] | undefined {
  const v = Array.isArray(value) ? value : [value, value];
  return v.length === 2 && v.every((n) => Number.isInteger(n)) ? [Number(v[0]), Number(v[1])] : undefined;
}
