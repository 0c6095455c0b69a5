import type { Command } from '../../command';
import { stackAddresses, stackConfigFromEnv, stackStatus, startStack, stopStack } from '../../../infra/stack';
import { UsageError } from '../../usage-error';

const usage = 'graft dev up|down|status';

/** `graft dev`: the local stack (Temporal dev server + MinIO) from infra/. */
export const devCommand: Command = {
  name: 'dev',
  summary: 'start, stop or inspect the local stack (Temporal + MinIO)',
  usage,
  async run(argv, io) {
    const config = stackConfigFromEnv();
    const say = (line: string) => io.out(line);
    switch (argv[0]) {
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
