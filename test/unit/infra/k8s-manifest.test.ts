/**
 * The Kubernetes manifest is documentation that a user applies as it is, so
 * it is checked against the code: every worker's arguments parse as
 * `graft worker` arguments, and every setting it passes is one Graft reads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { parseQueueKinds, workerCommand } from '../../../cli/commands/worker';

const ROOT = path.resolve(__dirname, '../../..');

interface Container { readonly args: string[]; readonly envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[] }
interface Manifest { readonly kind: string; readonly metadata: { name: string }; readonly data?: Record<string, string>; readonly spec?: { template?: { spec: { containers: Container[] } } } }

const manifests = parseAllDocuments(fs.readFileSync(path.join(ROOT, 'infra/k8s/workers.yaml'), 'utf8')).map((doc) => {
  expect(doc.errors).toEqual([]);
  return doc.toJS() as Manifest;
});
const deployments = manifests.filter((m) => m.kind === 'Deployment');

describe('infra/k8s/workers.yaml', () => {
  it('runs CPU and GPU workers whose arguments `graft worker` accepts', () => {
    const served = deployments.flatMap((deployment) => {
      const [container] = deployment.spec?.template?.spec.containers ?? [];
      const [command, ...rest] = container?.args ?? [];
      expect(command).toBe(workerCommand.name);
      const { values } = parseArgs({ args: rest, options: workerCommand.options, strict: true, allowPositionals: false });
      return parseQueueKinds(String(values.queues));
    });
    expect(served.sort()).toEqual(['cpu', 'gpu']);
  });

  it('passes only settings the README documents, and no credentials', () => {
    const config = manifests.find((m) => m.kind === 'ConfigMap');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const keys = Object.keys(config?.data ?? {});
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(readme).toContain(`\`${key}\``);
    expect(keys.filter((key) => /SECRET|ACCESS_KEY|PASSWORD/.test(key))).toEqual([]);
    // The credentials come from a secret the user creates, referenced by every worker.
    for (const deployment of deployments) {
      const envFrom = deployment.spec?.template?.spec.containers[0]?.envFrom ?? [];
      expect(envFrom.map((source) => source.secretRef?.name).filter(Boolean)).toEqual(['graft-s3']);
    }
  });
});
