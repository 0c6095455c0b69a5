// Jest runs each test file in its own realm, whose typed-array classes differ
// from Node's. tfjs-node hands out arrays made by the native addon in Node's
// realm, and tfjs-core checks `x instanceof Float32Array`, which then fails
// ("Unsupported TypedArray subtype"). Sharing Node's classes fixes that.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class GraftTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = GraftTestEnvironment;
