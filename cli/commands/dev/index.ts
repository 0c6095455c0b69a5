import { parseArgs } from 'node:util';
import type { Command, Subcommand } from '../../command';
import { stackAddresses, stackConfigFromEnv, stackStatus, startStack, stopStack } from '../../../infra/stack';
import { UsageError } from '../../usage-error';

const usage = 'graft dev up|down|status';
const subcommands: readonly Subcommand[] = [
  { name: 'up', summary: 'start Temporal and MinIO, or reuse the ones already running', usage: 'graft dev up', options: {} },
  { name: 'down', summary: 'stop the servers Graft started (their data stays)', usage: 'graft dev down', options: {} },
  { name: 'status', summary: 'show whether each server is healthy, its address, pid and log (exit 1 if one is down)', usage: 'graft dev status', options: {} },
];

/** `graft dev`: the local stack (Temporal dev server + MinIO) from infra/. */
export const devCommand: Command = {
  name: 'dev',
  summary: 'start, stop or inspect the local stack (Temporal + MinIO)',
  usage,
  options: {},
  subcommands,
  async run(argv, io) {
    const { positionals } = parseArgs({ args: [...argv], options: {}, allowPositionals: true, strict: true });
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`, usage);
    const config = stackConfigFromEnv();
    const say = (line: string) => io.out(line);
    switch (positionals[0]) {
      case 'up': {
        await startStack(config, say);
        const addresses = stackAddresses(config);
        io.out(`Temporal ${addresses.temporal}${addresses.temporalUi ? ` (web UI ${addresses.temporalUi})` : ''}`);
        io.out(`MinIO    ${addresses.s3Endpoint} (console http://${config.host}:${config.minio.consolePort})`);
        io.out(`state    ${config.stateDir}`);
        return 0;
      }
      case 'down':
        await stopStack(config, say);
        return 0;
      case 'status': {
        const components = await stackStatus(config);
        for (const c of components) {
          io.out(`${c.name.padEnd(9)} ${c.healthy ? 'healthy' : 'down   '} ${c.address}${c.pid ? ` pid ${c.pid}` : ''}  log ${c.logFile}`);
        }
        return components.every((c) => c.healthy) ? 0 : 1;
      }
      default:
        throw new UsageError(`expected up, down or status`, usage);
    }
  },
};
