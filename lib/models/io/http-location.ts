import { ModelError } from '../../errors';
import type { ModelLocation } from './location';

export interface HttpLimits {
  /** Largest file accepted, in bytes [1 GiB]. */
  readonly maxBytes?: number;
  /** Per-request timeout in milliseconds [60 s]. */
  readonly timeoutMs?: number;
}

const DEFAULT_MAX_BYTES = 1024 ** 3;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A read-only model folder at an http(s) URL. Each file is fetched with a
 * timeout and read with a byte limit, so a wrong URL cannot hang a worker or
 * fill its memory.
 */
export function httpLocation(baseUrl: string, limits: HttpLimits = {}): ModelLocation {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = limits.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = baseUrl.replace(/\/+$/, '');
  return {
    description: base,
    async read(name) {
      const url = `${base}/${name}`;
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        throw new ModelError(`${url}: request failed: ${(err as Error).message}`);
      }
      if (res.status === 404) return undefined;
      if (!res.ok) throw new ModelError(`${url}: HTTP ${res.status}`);
      return readLimited(res, url, maxBytes);
    },
  };
}

async function readLimited(res: Response, url: string, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new ModelError(`${url}: ${declared} bytes is over the ${maxBytes}-byte limit`);
  if (res.body === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ModelError(`${url}: body is over the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
