/** Throw-away certificates for TLS tests, made with the openssl CLI: a CA, and leaves it signs. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestCa {
  readonly certFile: string;
  readonly keyFile: string;
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

export function makeCa(dir: string, name: string): TestCa {
  const certFile = path.join(dir, `${name}.pem`);
  const keyFile = path.join(dir, `${name}.key`);
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${name}`);
  return { certFile, keyFile };
}

/** A certificate `ca` signs: a server's for 127.0.0.1, or a client's. */
export function makeLeaf(dir: string, ca: TestCa, name: string, use: 'server' | 'client'): { certFile: string; keyFile: string } {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.crt`);
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${use === 'server' ? '127.0.0.1' : name}`);
  fs.writeFileSync(ext, use === 'server' ? 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n');
  openssl('x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', ext);
  return { certFile, keyFile };
}
