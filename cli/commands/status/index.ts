import type { Command } from '../../command';
import { listRuns, snapshotRun } from '../../../runtime/runs';
import { renderRun } from '../../../runtime/progress-view';
import { withClient } from '../../with-client';
import { printRunList } from '../list';

/** `graft status [<run>]`: one run's stages and progress, or the latest runs. */
export const statusCommand: Command = {
  name: 'status',
  summary: "show a run's stages, progress and results (without a run: the latest runs)",
  usage: 'graft status [<run>]',
  options: {},
  async run(argv, io) {
    return withClient(async (client) => {
      if (argv.length === 0) {
        printRunList(await listRuns(client, 10), io);
        return 0;
      }
      const snapshot = await snapshotRun(client, argv[0]!);
      for (const line of renderRun(snapshot)) io.out(line);
      return snapshot.status === 'FAILED' || snapshot.status === 'TERMINATED' || snapshot.status === 'TIMED_OUT' ? 1 : 0;
    });
  },
};
