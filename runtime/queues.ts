/** The two task queues. CPU: ingest, augment, publish. GPU: extract, train, fine-tune, evaluate. */
export interface QueueNames {
  readonly cpu: string;
  readonly gpu: string;
}

export const defaultQueues: QueueNames = { cpu: 'graft-cpu', gpu: 'graft-gpu' };

export type QueueKind = keyof QueueNames;
