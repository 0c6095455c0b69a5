// Every `graft` command, in the order `graft --help` lists them. To add one:
// a folder under cli/commands/ exporting a `Command`, and one line here.
import type { Command } from '../command';
import { validateCommand } from './validate';

export const commands: Command[] = [
  validateCommand,
];
