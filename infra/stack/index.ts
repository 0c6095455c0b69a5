/**
 * The local stack: a Temporal dev server (state in a SQLite file) and a MinIO
 * server, both on loopback, started detached with logs and pid files under
 * the state folder. `startStack` reuses servers that already answer;
 * `stopStack` stops only what it started, and leaves no process behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minioHealthy, temporalHealthy, temporalTaskQueuePartitions, waitUntil } from './health';
import type { ManagedProcess } from './processes';
import { isAlive, readPid, startDetached, stopProcessGroup } from './processes';
import type { StackConfig } from './config';
import { stackAddresses, stackConfigFromEnv } from './config';

export { stackConfigFromEnv, stackAddresses } from './config';
export type { StackConfig } from './config';

export type ComponentName = 'temporal' | 'minio';

export interface ComponentStatus {
  readonly name: ComponentName;
  /** Pid of the server Graft started, if it is alive. */
  readonly pid?: number;
  readonly healthy: boolean;
  readonly address: string;
  readonly logFile: string;
}

function managed(config: StackConfig, name: ComponentName): ManagedProcess {
  return {
    name,
    pidFile: path.join(config.stateDir, 'run', `${name}.pid`),
    logFile: path.join(config.stateDir, 'logs', `${name}.log`),
  };
}

function binary(config: StackConfig, name: ComponentName): string {
  const file = path.join(config.binDir, name);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run \`npm run provision\` (infra/provision.sh) to build it`);
  }
  return file;
}

function checkHealth(config: StackConfig, name: ComponentName): Promise<boolean> {
  const addresses = stackAddresses(config);
  return name === 'temporal' ? temporalHealthy(addresses.temporal) : minioHealthy(addresses.s3Endpoint);
}

/**
 * The dev server's dynamic config for one machine. One task-queue partition:
 * with the default four, a worker with one activity slot polls one partition
 * while its next task waits on another, which cost 1–2 s between activities.
 * Eager activity dispatch lets a workflow task hand its next activity straight
 * to the worker that completed it, skipping the matching round trip.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, string>> = {
  'matching.numTaskqueueReadPartitions': '1',
  'matching.numTaskqueueWritePartitions': '1',
  'system.enableActivityEagerExecution': 'true',
};

/**
 * SQLite in write-ahead-log mode, synced at checkpoints rather than at every
 * commit: each activity's round trip is several transactions, and at 5 ms an
 * fsync (this machine's disk) the default rollback journal spent 50–100 ms
 * of every step between activities on fsyncs. A crash of the server process
 * loses nothing; a power loss may lose the last moments of local dev history.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: Readonly<Record<string, string>> = {
  journal_mode: 'wal',
  synchronous: 'normal',
};

/** The `temporal server start-dev` arguments for `config`. */
export function temporalDevArgs(config: StackConfig): string[] {
  const args = [
    'server', 'start-dev',
    '--db-filename', path.join(config.stateDir, 'temporal', 'temporal.sqlite'),
    '--ip', config.host,
    '--port', String(config.temporal.port),
    '--ui-port', String(config.temporal.uiPort),
    '--log-level', 'warn',
  ];
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${key}=${value}`);
  for (const [key, value] of Object.entries(DEV_SERVER_SQLITE_PRAGMAS)) args.push('--sqlite-pragma', `${key}=${value}`);
  if (config.temporal.headless) args.push('--headless');
  for (const namespace of config.temporal.namespaces) args.push('--namespace', namespace);
  return args;
}

function launch(config: StackConfig, name: ComponentName): number {
  const proc = managed(config, name);
  const host = config.host;
  if (name === 'temporal') return startDetached(proc, binary(config, 'temporal'), temporalDevArgs(config), process.env);
  const env = {
    ...process.env,
    MINIO_ROOT_USER: config.minio.accessKey,
    MINIO_ROOT_PASSWORD: config.minio.secretKey,
    MINIO_BROWSER: 'on',
    MINIO_UPDATE: 'off',
  };
  const args = [
    'server', path.join(config.stateDir, 'minio'),
    '--address', `${host}:${config.minio.port}`,
    '--console-address', `${host}:${config.minio.consolePort}`,
    '--quiet',
  ];
  return startDetached(proc, binary(config, 'minio'), args, env);
}

export type Say = (line: string) => void;

/** Starts (or reuses) both servers and waits until each answers its health check. */
export async function startStack(config: StackConfig = stackConfigFromEnv(), say: Say = () => undefined): Promise<ComponentStatus[]> {
  for (const dir of ['run', 'logs', 'temporal', 'minio']) {
    fs.mkdirSync(path.join(config.stateDir, dir), { recursive: true });
  }
  const names: ComponentName[] = ['temporal', 'minio'];
  await Promise.all(names.map(async (name) => {
    if (await checkHealth(config, name)) {
      say(`${name}: already running, reused`);
      if (name === 'temporal') await warnOnPartitions(config, say);
      return;
    }
    const proc = managed(config, name);
    const stale = readPid(proc);
    if (stale !== undefined && isAlive(stale)) await stopProcessGroup(proc);
    const pid = launch(config, name);
    say(`${name}: started (pid ${pid}), waiting for it to answer…`);
    const healthy = await waitUntil(async () => isAlive(pid) && checkHealth(config, name), 90_000);
    if (!healthy) {
      const alive = isAlive(pid);
      await stopProcessGroup(proc, 2_000);
      throw new Error(`${name} ${alive ? 'did not answer within 90 s' : 'exited at start'}; see ${proc.logFile}`);
    }
    say(`${name}: healthy`);
  }));
  return stackStatus(config);
}

/** A reused server started without Graft's dynamic config stalls between activities: say how to fix it. */
async function warnOnPartitions(config: StackConfig, say: Say): Promise<void> {
  const partitions = await temporalTaskQueuePartitions(stackAddresses(config).temporal);
  if (partitions !== undefined && partitions > 1) {
    say(`temporal: this server splits each task queue into ${partitions} partitions, which adds seconds between activities on one machine; \`graft dev down && graft dev up\` restarts it with one (if Graft started it)`);
  }
}

/** Stops the servers Graft started; servers someone else started are left alone. */
export async function stopStack(config: StackConfig = stackConfigFromEnv(), say: Say = () => undefined): Promise<void> {
  const names: ComponentName[] = ['temporal', 'minio'];
  await Promise.all(names.map(async (name) => {
    const outcome = await stopProcessGroup(managed(config, name));
    say(`${name}: ${outcome}`);
  }));
}

export async function stackStatus(config: StackConfig = stackConfigFromEnv()): Promise<ComponentStatus[]> {
  const addresses = stackAddresses(config);
  const names: ComponentName[] = ['temporal', 'minio'];
  return Promise.all(names.map(async (name) => {
    const proc = managed(config, name);
    const pid = readPid(proc);
    return {
      name,
      pid: pid !== undefined && isAlive(pid) ? pid : undefined,
      healthy: await checkHealth(config, name),
      address: name === 'temporal' ? addresses.temporal : addresses.s3Endpoint,
      logFile: proc.logFile,
    };
  }));
}
