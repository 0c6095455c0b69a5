import type { ReportInput } from '../../../lib/report';

/** A report input like a small fine-tuning run would produce, with hostile strings. */
export function sampleReport(): ReportInput {
  return {
    pipeline: 'flowers <b>v2</b>',
    runId: 'run-2025-01-02-abc',
    specHash: 'f'.repeat(64),
    datasetFingerprint: 'sha256:' + 'a'.repeat(16),
    createdAt: '2025-01-02T03:04:05Z',
    classNames: ['daisy', 'rose & co', '<img src=x onerror=alert(1)>'],
    stages: [
      { name: 'ingest', status: 'cached', seconds: 0.2 },
      { name: 'extract', status: 'computed', seconds: 41.5 },
      { name: 'train-head', status: 'resumed', seconds: 12.25, note: 'resumed at epoch 3' },
      { name: 'fine-tune', status: 'computed', seconds: 88 },
    ],
    confusion: [
      [8, 1, 1],
      [0, 9, 1],
      [2, 0, 8],
    ],
    history: [
      { stage: 'head', epoch: 1, loss: 1.1, accuracy: 0.5, valLoss: 1.0, valAccuracy: 0.55, learningRate: 0.001 },
      { stage: 'head', epoch: 2, loss: 0.8, accuracy: 0.7, valLoss: 0.85, valAccuracy: 0.66, learningRate: 0.00075 },
      { stage: 'head', epoch: 3, loss: 0.6, accuracy: 0.78, valLoss: 0.7, valAccuracy: 0.72, learningRate: 0.00025 },
      { stage: 'fine-tune', epoch: 1, loss: 0.5, accuracy: 0.82, valLoss: 0.62, valAccuracy: 0.78, learningRate: 0.00001 },
      { stage: 'fine-tune', epoch: 2, loss: 0.4, accuracy: 0.86, valLoss: 0.6, valAccuracy: 0.8, learningRate: 0.000005 },
    ],
    comparison: [
      { name: 'transfer', description: 'frozen base, new head', testAccuracy: 0.76, valAccuracy: 0.72, epochs: 3, trainSeconds: 12.25 },
      { name: 'fine-tune', description: 'top 20 layers unfrozen', testAccuracy: 0.8333, valAccuracy: 0.8, epochs: 5, trainSeconds: 100.2 },
      { name: 'from scratch', description: 'same net, random init', testAccuracy: 0.41, epochs: 5 },
    ],
    champion: {
      champion: { name: 'flowers@3', accuracy: 0.79 },
      challenger: { name: 'flowers@4', accuracy: 0.8333 },
      outcome: 'promoted',
      reason: 'beats the champion by > 1 point',
    },
  };
}
