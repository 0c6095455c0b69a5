/**
 * Rules that span sections. They run on the normalized spec, after every
 * field is valid on its own; `fields` (before cross-section defaults) tells
 * which of two related fields the user actually wrote, to blame that one.
 */
import type { Architecture, PipelineFields, normalize } from './schema';

export interface CrossFieldIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

type Normalized = ReturnType<typeof normalize>;

/** Smallest input side each built-in base accepts (VGG16/MobileNet downsample by 32). */
export const MIN_BASE_INPUT_SIDE: Readonly<Record<Architecture, number>> = { vgg16: 32, mobilenet: 32, 'small-cnn': 8 };

export function crossFieldIssues(fields: PipelineFields, spec: Normalized): CrossFieldIssue[] {
  return [inputShapeMatches, imageLargeEnough, fineTuneNeedsTransfer, earlyStoppingNeedsValidation].flatMap(
    (rule) => rule(fields, spec) ?? [],
  );
}

type Rule = (fields: PipelineFields, spec: Normalized) => CrossFieldIssue | undefined;

const inputShapeMatches: Rule = (fields, spec) => {
  const shape = fields.base.inputShape;
  const { imageSize, channels } = fields.dataset;
  if (!shape || (imageSize === undefined && channels === undefined)) return undefined;
  const [h, w] = spec.dataset.imageSize;
  if (shape[0] === h && shape[1] === w && shape[2] === spec.dataset.channels) return undefined;
  return {
    path: ['base', 'inputShape'],
    message: `must match dataset.imageSize and dataset.channels ([${h}, ${w}, ${spec.dataset.channels}]), got [${shape.join(', ')}]`,
  };
};

const imageLargeEnough: Rule = (fields, spec) => {
  const architecture = spec.base.architecture;
  if (!architecture) return undefined;
  const min = MIN_BASE_INPUT_SIDE[architecture];
  const [h, w] = spec.base.inputShape;
  if (h >= min && w >= min) return undefined;
  return {
    path: fields.base.inputShape ? ['base', 'inputShape'] : ['dataset', 'imageSize'],
    message: `is too small for base ${architecture}: it needs at least ${min}x${min}, got ${h}x${w}`,
  };
};

const fineTuneNeedsTransfer: Rule = (_fields, spec) =>
  spec.fineTune && spec.mode === 'retrain'
    ? { path: ['fineTune'], message: 'only applies to mode transfer (mode retrain already trains every layer); remove it' }
    : undefined;

const earlyStoppingNeedsValidation: Rule = (_fields, spec) =>
  spec.train.earlyStopping && spec.dataset.split.validation === 0
    ? {
        path: ['train', 'earlyStopping'],
        message: `needs validation data to watch ${spec.train.earlyStopping.monitor}; set dataset.split.validation above 0`,
      }
    : undefined;
