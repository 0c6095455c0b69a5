import * as os from 'node:os';
import * as path from 'node:path';
import { STORE_DEFAULTS } from '../../lib/store/store-config';

/** Where the local stack keeps its state, binaries and ports. Every field has an env override. */
export interface StackConfig {
  /** State folder: Temporal's SQLite file, MinIO's data, logs, pid files. `GRAFT_STATE_DIR`, default `~/.local/state/graft`. */
  readonly stateDir: string;
  /** Pinned binaries built by infra/go-binaries.sh. `GRAFT_BIN_DIR`, default `~/.cache/graft/bin`. */
  readonly binDir: string;
  readonly temporal: {
    /** `GRAFT_TEMPORAL_PORT`, default 7233. */
    readonly port: number;
    /** `GRAFT_TEMPORAL_UI_PORT`, default 8233. */
    readonly uiPort: number;
    /** `GRAFT_HEADLESS=1` starts Temporal without its web UI. */
    readonly headless: boolean;
    /**
     * Namespaces the server creates at start besides `default`: `GRAFT_NAMESPACE` when it names
     * another. A server already running is not restarted for it: `ensureNamespace`
     * (runtime/temporal.ts) registers a namespace there.
     */
    readonly namespaces: readonly string[];
  };
  readonly minio: {
    /** `GRAFT_MINIO_PORT`, default 9000 (the S3 API). */
    readonly port: number;
    /** `GRAFT_MINIO_CONSOLE_PORT`, default 9001. */
    readonly consolePort: number;
    /** `GRAFT_S3_ACCESS_KEY` / `GRAFT_S3_SECRET_KEY`, local defaults `graftadmin` / `graftsecret`. */
    readonly accessKey: string;
    readonly secretKey: string;
  };
  /** Loopback only: nothing the local stack serves is reachable from elsewhere. */
  readonly host: string;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a port number from 1 to 65535, got "${raw}"`);
  }
  return value;
}

export function stackConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const home = os.homedir();
  const cacheDir = env.GRAFT_CACHE_DIR || path.join(home, '.cache', 'graft');
  return {
    stateDir: env.GRAFT_STATE_DIR || path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), 'graft'),
    binDir: env.GRAFT_BIN_DIR || path.join(cacheDir, 'bin'),
    host: '127.0.0.1',
    temporal: {
      port: port(env, 'GRAFT_TEMPORAL_PORT', 7233),
      uiPort: port(env, 'GRAFT_TEMPORAL_UI_PORT', 8233),
      headless: env.GRAFT_HEADLESS === '1' || env.GRAFT_HEADLESS === 'true',
      namespaces: env.GRAFT_NAMESPACE && env.GRAFT_NAMESPACE !== 'default' ? [env.GRAFT_NAMESPACE] : [],
    },
    minio: {
      port: port(env, 'GRAFT_MINIO_PORT', 9000),
      consolePort: port(env, 'GRAFT_MINIO_CONSOLE_PORT', 9001),
      accessKey: env.GRAFT_S3_ACCESS_KEY || env.MINIO_ROOT_USER || STORE_DEFAULTS.accessKey,
      secretKey: env.GRAFT_S3_SECRET_KEY || env.MINIO_ROOT_PASSWORD || STORE_DEFAULTS.secretKey,
    },
  };
}

/** The addresses clients use to reach a stack started with `config`. */
export function stackAddresses(config: StackConfig): { temporal: string; s3Endpoint: string; temporalUi?: string } {
  return {
    temporal: `${config.host}:${config.temporal.port}`,
    s3Endpoint: `http://${config.host}:${config.minio.port}`,
    temporalUi: config.temporal.headless ? undefined : `http://${config.host}:${config.temporal.uiPort}`,
  };
}
