#!/usr/bin/env node
'use strict';
// The `graft` command: runs the compiled CLI (npm run build makes dist/).
// TensorFlow's C++ logging prints an INFO line about CPU features at load; keep warnings.
process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || '1';
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main')) {
    console.error('graft: not built yet; run `npm run build` first');
    process.exit(1);
  }
  throw err;
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
