// Every `graft` command, in the order `graft --help` lists them. To add one:
// a folder under cli/commands/ exporting a `Command`, and one line here.
import type { Command } from '../command';
import { validateCommand } from './validate';
import { summaryCommand } from './summary';
import { previewCommand } from './preview';
import { runCommand } from './run';
import { statusCommand } from './status';
import { listCommand } from './list';
import { resumeCommand } from './resume';
import { cancelCommand } from './cancel';
import { reportCommand } from './report';
import { workerCommand } from './worker';
import { devCommand } from './dev';
import { predictCommand } from './predict';
import { scheduleCommand } from './schedule';
import { demoCommand } from './demo';

export const commands: Command[] = [
  validateCommand,
  summaryCommand,
  previewCommand,
  runCommand,
  statusCommand,
  listCommand,
  resumeCommand,
  cancelCommand,
  reportCommand,
  workerCommand,
  devCommand,
  predictCommand,
  scheduleCommand,
  demoCommand,
];
