// Every `graft` command, in the order `graft --help` lists them. To add one:
// a folder under cli/commands/ exporting a `Command`, and one line here.
// Commands are loaded when used: several pull in native TensorFlow, which
// takes seconds to load, and `graft validate` should not wait for it.
import type { Command } from '../command';

/** A command whose module is required on first use (its summary, usage and options included). */
function lazy(name: string, load: () => Command): Command {
  let loaded: Command | undefined;
  const get = () => (loaded ??= load());
  return {
    name,
    get summary() { return get().summary; },
    get usage() { return get().usage; },
    get options() { return get().options; },
    get subcommands() { return get().subcommands; },
    run: (argv, io) => get().run(argv, io),
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- synchronous, on-demand loading is the point */
export const commands: Command[] = [
  lazy('validate', () => (require('./validate') as typeof import('./validate')).validateCommand),
  lazy('summary', () => (require('./summary') as typeof import('./summary')).summaryCommand),
  lazy('preview', () => (require('./preview') as typeof import('./preview')).previewCommand),
  lazy('run', () => (require('./run') as typeof import('./run')).runCommand),
  lazy('status', () => (require('./status') as typeof import('./status')).statusCommand),
  lazy('list', () => (require('./list') as typeof import('./list')).listCommand),
  lazy('resume', () => (require('./resume') as typeof import('./resume')).resumeCommand),
  lazy('cancel', () => (require('./cancel') as typeof import('./cancel')).cancelCommand),
  lazy('report', () => (require('./report') as typeof import('./report')).reportCommand),
  lazy('schedule', () => (require('./schedule') as typeof import('./schedule')).scheduleCommand),
  lazy('worker', () => (require('./worker') as typeof import('./worker')).workerCommand),
  lazy('dev', () => (require('./dev') as typeof import('./dev')).devCommand),
  lazy('gc', () => (require('./gc') as typeof import('./gc')).gcCommand),
  lazy('predict', () => (require('./predict') as typeof import('./predict')).predictCommand),
  lazy('export', () => (require('./export') as typeof import('./export')).exportCommand),
  lazy('classify', () => (require('./classify') as typeof import('./classify')).classifyCommand),
  lazy('demo', () => (require('./demo') as typeof import('./demo')).demoCommand),
];
/* eslint-enable @typescript-eslint/no-require-imports */
