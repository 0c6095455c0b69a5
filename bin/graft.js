#!/usr/bin/env node
'use strict';
// The `graft` command: runs the compiled CLI (npm run build makes dist/).
const argv = process.argv.slice(2);
let cli;
try {
  // First, before anything loads native TensorFlow: it reads its log level once, at load.
  require('../dist/cli/verbosity.js').quietLibraryLogs(argv);
  cli = require('../dist/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/')) {
    console.error('graft: not built yet; run `npm run build` first');
    process.exit(1);
  }
  throw err;
}
cli.main(argv).then((code) => {
  process.exitCode = code;
});
