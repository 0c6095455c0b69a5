import type * as tf from '@tensorflow/tfjs-node';
import { composeModel } from '../lib/models/compose';
import { createLineage } from '../lib/models/lineage';
import { savePublishedModel } from '../lib/models/predict';
import { buildReport } from '../lib/report/build-report';
import type { ReportInput } from '../lib/report/report-input';
import { cacheKey } from '../lib/store/cache-key';
import type { JsonValue } from '../lib/store/cache-manifest';
import { joinKey } from '../lib/store/keys';
import type { PromotionDecision } from '../lib/stages/champion';
import { decidePromotion } from '../lib/stages/champion';
import { judgeChampion } from '../lib/stages/held-out';
import { STAGE_CODE_VERSIONS } from '../lib/stages/versions';
import { readModel } from '../lib/stages/model-files';
import { modelsPrefix, promoteVersion, readChampion } from '../lib/stages/promote';
import type { CurrentModelInfo, Promotion, PublishInput, PublishResult } from './contracts';
import type { StageEnv } from './activity-context';
import { heartbeat, stageLog, yieldToEventLoop } from './activity-context';
import { version as graftVersion } from '../package.json';

/** The model that is `current` for a pipeline: scheduled runs compare its data fingerprint and model-spec hash. */
export function createCurrentModelActivity(env: StageEnv) {
  return async function currentModel({ pipeline }: { pipeline: string }): Promise<CurrentModelInfo | undefined> {
    return readChampion(env.store, pipeline);
  };
}

const JUDGE_BATCH = 256;

/**
 * Publishes the model in tfjs format with its lineage and the run's report
 * under `models/<pipeline>/<version>/`, then promotes it to
 * `models/<pipeline>/current/` if it beats the current one on the same test
 * images. Idempotent: the version is the run id, so a retry rewrites the same objects.
 */
export function createPublishActivity(env: StageEnv) {
  return async function publish(input: PublishInput): Promise<PublishResult> {
    const { ctx, spec, evaluation } = input;
    const started = Date.now();
    heartbeat({ stage: 'publish' });
    const key = publishKey(input);
    if (!ctx.noCache) {
      const hit = await env.cache.lookup('publish', key, { onMiss: () => undefined });
      const earlier = hit?.meta as PublishedMeta | null | undefined;
      if (earlier && await stillPublished(env, spec.name, earlier)) {
        return { ...earlier, outcome: 'cached', key, seconds: (Date.now() - started) / 1000 };
      }
    }
    // Taken before the work: a lookup-only cache refuses here, so a plan lookup never publishes.
    const writer = env.cache.writer('publish', key);
    const version = ctx.runId;
    const versionPrefix = joinKey(modelsPrefix(spec.name), version);
    const modelUri = `s3://${env.store.bucket}/${versionPrefix}/model.json`;

    const models: tf.LayersModel[] = [];
    try {
      const trained = await readModel(env.cache, input.model.stage, input.model.key);
      models.push(trained);
      let full = trained;
      let baseModel = trained;
      if (input.base) {
        baseModel = await readModel(env.cache, input.base.stage, input.base.key);
        models.push(baseModel);
        full = composeModel(baseModel, trained);
      }
      const stages = spec.mode === 'retrain' ? ['retrain' as const] : spec.fineTune ? ['transfer' as const, 'fine-tune' as const] : ['transfer' as const];
      const lineage = {
        ...createLineage({ base: spec.base, mode: spec.mode, head: spec.head, fineTune: spec.fineTune, stages, model: full, baseModel, classNames: input.classNames, weightsSource: input.baseWeights ?? null }),
        pipeline: spec.name, version, runId: ctx.runId, specHash: ctx.specHash, dataFingerprint: input.fingerprint,
        graftVersion, testAccuracy: evaluation.testAccuracy, publishedAt: new Date().toISOString(),
      };
      await savePublishedModel(full, modelUri, { classNames: input.classNames, lineage }, { store: env.store });
    } finally {
      for (const model of models) model.dispose();
    }

    const champion = await readChampion(env.store, spec.name);
    // The champion is judged on this run's test images: its own run's accuracy counted other ones.
    const paired = champion && champion.version !== version ? await judgeChampion({
      store: env.store, cache: env.cache, pipeline: spec.name, championVersion: champion.version, heldOut: input.heldOut, classNames: input.classNames,
      inference: {
        batchSize: JUDGE_BATCH,
        onBatch: async (done, total) => {
          heartbeat({ stage: 'publish', done, total });
          await yieldToEventLoop();
        },
      },
    }) : undefined;
    const decision = decidePromotion({ version, testAccuracy: evaluation.testAccuracy, testImages: evaluation.count }, champion, paired, input.promoteMargin);
    const promotion = promotionOf(decision, paired ? champion?.version : undefined);
    const report = await buildReport(reportInput(input, version, promotion));
    const reportKey = joinKey('runs', ctx.runId, 'report.html');
    await env.store.put(reportKey, report, 'text/html; charset=utf-8');
    await env.store.put(joinKey(versionPrefix, 'report.html'), report, 'text/html; charset=utf-8');
    await env.store.put(joinKey('runs', ctx.runId, 'metrics.json'), JSON.stringify({ evaluation, evaluations: input.evaluations, histories: input.histories, stages: input.stages, promotion }, null, 2), 'application/json');

    if (decision.promoted) {
      await promoteVersion(env.store, spec.name, {
        version, testAccuracy: evaluation.testAccuracy, fingerprint: input.fingerprint, specHash: ctx.specHash, modelSpecHash: ctx.modelSpecHash,
      });
    }
    stageLog(`publish: ${modelUri} (${decision.promoted ? 'promoted to current' : 'not promoted'}: ${decision.reason})`);
    const meta: PublishedMeta = { version, modelUri, reportKey, promotion };
    // A concurrent run that committed first wins; its version is as good as this one.
    const manifest = await writer.commit(meta as unknown as JsonValue);
    return { ...(manifest.meta as unknown as PublishedMeta), outcome: 'computed', key, seconds: (Date.now() - started) / 1000 };
  };
}

/** What a publish entry records: the version it published and the decision on it. */
type PublishedMeta = Omit<PublishResult, 'outcome' | 'key' | 'seconds'>;

/**
 * The publish entry's key: the same trained model (and base) on the same
 * data, judged by the same evaluation, for the same pipeline and model spec.
 * The run id is left out: an unchanged re-run finds the earlier run's version.
 */
export function publishKey(input: PublishInput): string {
  const { ctx, spec } = input;
  return cacheKey({
    stage: 'publish',
    config: { pipeline: spec.name, modelSpecHash: ctx.modelSpecHash, classNames: input.classNames, promoteMargin: input.promoteMargin },
    upstream: [
      `${input.model.stage}/${input.model.key}`, input.base ? `${input.base.stage}/${input.base.key}` : '-', input.baseWeights?.sha256 ?? '-',
      input.fingerprint, input.heldOut.evaluateKey, ...input.evaluations.map((e) => `${e.model}:${e.evaluation.testAccuracy}`),
    ],
    codeVersion: STAGE_CODE_VERSIONS.publish,
  });
}

/**
 * Whether an earlier publish still stands: its model's files are all there,
 * and the pipeline's current model is what that publish left (itself when it
 * was promoted, else the champion it lost to). After any other promotion the
 * decision is stale and publish runs again.
 */
async function stillPublished(env: StageEnv, pipeline: string, earlier: PublishedMeta): Promise<boolean> {
  const champion = await readChampion(env.store, pipeline);
  const expected = earlier.promotion.promoted ? earlier.version : earlier.promotion.championVersion;
  if (champion?.version !== expected) return false;
  const prefix = joinKey(modelsPrefix(pipeline), earlier.version);
  const raw = await env.store.get(joinKey(prefix, 'model.json'));
  if (raw === undefined) return false;
  let model: { weightsManifest?: { paths: string[] }[] };
  try {
    model = JSON.parse(raw.toString('utf8')) as typeof model;
  } catch {
    return false;
  }
  const present = new Set(await env.store.list(`${prefix}/`));
  const needed = [...(model.weightsManifest ?? []).flatMap((group) => group.paths), 'report.html'];
  return needed.every((file) => present.has(joinKey(prefix, file.replace(/^(?:\.\/)+/, ''))));
}

/** The decision as the run's result records it; `championVersion` only when a champion was judged. */
function promotionOf(decision: PromotionDecision, championVersion: string | undefined): Promotion {
  const { promoted, reason, challengerAccuracy, testImages, championAccuracy, margin } = decision;
  return {
    promoted, reason, challengerAccuracy, testImages,
    ...(championVersion !== undefined && championAccuracy !== undefined ? { championVersion, championAccuracy } : {}),
    ...(championVersion !== undefined && margin !== undefined ? { margin } : {}),
  };
}

function reportInput(input: PublishInput, version: string, promotion: Promotion): ReportInput {
  const labels: Record<string, string> = { transfer: 'frozen base, new head', 'fine-tune': 'top layers unfrozen, low learning rate', retrain: 'same architecture, random weights' };
  return {
    pipeline: input.spec.name,
    runId: input.ctx.runId,
    specHash: input.ctx.specHash,
    datasetFingerprint: input.fingerprint,
    createdAt: new Date().toISOString(),
    classNames: input.classNames,
    stages: input.stages.map((s) => ({ name: s.stage, status: s.outcome, seconds: s.seconds, ...(s.shards && s.shards > 1 ? { note: `${s.shards} shards` } : {}) })),
    confusion: input.evaluation.confusion,
    history: input.histories.flatMap(({ stage, history }) => history.map((h) => ({
      stage, epoch: h.epoch, loss: h.loss, accuracy: h.acc,
      ...(h.valLoss !== undefined ? { valLoss: h.valLoss } : {}), ...(h.valAcc !== undefined ? { valAccuracy: h.valAcc } : {}),
      ...(h.learningRate !== undefined ? { learningRate: h.learningRate } : {}),
    }))),
    comparison: input.evaluations.map(({ model, evaluation }) => ({ name: model, description: labels[model] ?? model, testAccuracy: evaluation.testAccuracy })),
    ...(input.skippedImages ? { skippedImages: input.skippedImages } : {}),
    ...(promotion.championVersion !== undefined && promotion.championAccuracy !== undefined ? {
      champion: {
        champion: { name: promotion.championVersion, accuracy: promotion.championAccuracy },
        challenger: { name: version, accuracy: promotion.challengerAccuracy },
        outcome: promotion.promoted ? 'promoted' as const : 'kept' as const,
        reason: promotion.reason,
        testImages: promotion.testImages,
        ...(promotion.margin !== undefined ? { margin: promotion.margin } : {}),
      },
    } : {}),
  };
}
