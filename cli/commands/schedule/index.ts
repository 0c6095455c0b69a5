import type { Command, CommandOptions, Subcommand } from '../../command';
import { loadPipeline } from '../../../pipelines/load';
import {
  DEFAULT_OVERLAP, OVERLAP_NAMES,
  createSchedule, deleteSchedule, describeSchedule, listSchedules, pauseSchedule, recentRuns, timingFromSpec, triggerSchedule, unpauseSchedule,
} from '../../../runtime/schedules';
import { UsageError } from '../../usage-error';
import { withClient } from '../../with-client';
import { USAGE, USAGES, parseScheduleArgs } from './args';
import { renderSchedule, renderScheduleList } from './render';

// For --help and main's check of unknown flags; parseScheduleArgs (./args.ts) parses them.
const overlap = { type: 'string', value: 'POLICY', help: `when a run falls due while the last still runs: ${OVERLAP_NAMES.join(', ')} (default: ${DEFAULT_OVERLAP})` } as const;
const note = { type: 'string', value: 'TEXT', help: 'a note shown by describe' } as const;
const none: CommandOptions = {};
const subcommands: readonly Subcommand[] = [
  {
    name: 'create', summary: "create a schedule for a spec (timing from the flags, else the spec's schedule: block); prints its id", usage: USAGES.create,
    options: {
      cron: { type: 'string', value: '"M H DoM Mon DoW"', help: 'five cron fields, read in UTC' },
      every: { type: 'string', value: 'INTERVAL', help: 'an interval <n>s|m|h|d, e.g. 6h (counted from the Unix epoch)' },
      'only-if-data-changed': { type: 'boolean', help: "skip a run when the data has not changed since the current model's" },
      overlap,
      'catchup-window': { type: 'string', value: 'INTERVAL', help: 'how late a missed run may still start after the server was down (default: 1m)' },
      id: { type: 'string', value: 'ID', help: 'the schedule id (default: graft-<pipeline>)' },
    },
  },
  { name: 'list', summary: 'list the schedules', usage: USAGES.list, options: none },
  { name: 'describe', summary: "a schedule's timing, state, note and recent runs", usage: USAGES.describe, options: none },
  { name: 'pause', summary: 'stop the timetable (trigger still starts a run)', usage: USAGES.pause, options: { note } },
  { name: 'unpause', summary: 'resume the timetable', usage: USAGES.unpause, options: { note } },
  { name: 'trigger', summary: "start a run now; prints the run's id", usage: USAGES.trigger, options: { overlap } },
  { name: 'delete', summary: 'delete a schedule (its runs and models stay)', usage: USAGES.delete, options: none },
];

/** `graft schedule`: scheduled retraining of a pipeline with Temporal Schedules. */
export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'schedule retraining (create, list, describe, pause, unpause, trigger, delete)',
  usage: USAGE,
  options: none,
  subcommands,
  async run(argv, io) {
    const args = parseScheduleArgs(argv);
    // Read and check the spec before connecting: bad input fails at once.
    const spec = args.action === 'create' ? await loadPipeline(args.specPath) : undefined;
    if (args.action === 'create' && !args.timing && spec && !timingFromSpec(spec)) {
      throw new UsageError(`${args.specPath} has no schedule: block; give --cron or --every`, USAGES.create);
    }
    return withClient(async (client) => {
      switch (args.action) {
        case 'create': {
          const id = await createSchedule(client, spec!, {
            ...(args.id !== undefined ? { id: args.id } : {}),
            ...(args.timing ? { timing: args.timing } : {}),
            ...(args.onlyIfDataChanged ? { onlyIfDataChanged: true } : {}),
            ...(args.overlap ? { overlap: args.overlap } : {}),
            ...(args.catchupWindow !== undefined ? { catchupWindow: args.catchupWindow } : {}),
          });
          io.out(id);
          return 0;
        }
        case 'list':
          for (const line of renderScheduleList(await listSchedules(client))) io.out(line);
          return 0;
        case 'describe': {
          const info = await describeSchedule(client, args.id);
          for (const line of renderSchedule(info, await recentRuns(client, info))) io.out(line);
          return 0;
        }
        case 'pause':
          await pauseSchedule(client, args.id, args.note);
          io.out(`paused ${args.id} (graft schedule trigger still starts a run while paused)`);
          return 0;
        case 'unpause':
          await unpauseSchedule(client, args.id, args.note);
          io.out(`unpaused ${args.id}`);
          return 0;
        case 'trigger': {
          const result = await triggerSchedule(client, args.id, args.overlap ? { overlap: args.overlap } : {});
          if (result.runId) io.out(result.runId);
          else if (result.skipped) io.out(`triggered ${args.id}, but overlap policy ${result.overlap} skipped it: a run is still going`);
          else io.out(`triggered ${args.id} (the run has not shown up yet; see graft schedule describe ${args.id})`);
          return 0;
        }
        case 'delete':
          await deleteSchedule(client, args.id);
          io.out(`deleted ${args.id} (its runs and models stay)`);
          return 0;
      }
    });
  },
};
