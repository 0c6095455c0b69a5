/**
 * Champion/challenger: the pure decisions around the current model, whether
 * a scheduled run retrains at all and whether its model replaces the current
 * one. No imports: the workflow sandbox runs `retrainGate`.
 */

/** What `models/<pipeline>/current.json` records about the current model. */
export interface ChampionRecord {
  readonly version: string;
  /** On its own run's test set. */
  readonly testAccuracy: number;
  readonly fingerprint: string;
  readonly specHash: string;
  /** `modelSpecHash` of its spec; absent for models promoted before Graft recorded it. */
  readonly modelSpecHash?: string;
}

/** What changed since the current model: what makes a scheduled run with `onlyIfDataChanged` retrain. */
export interface RetrainGate {
  readonly retrain: boolean;
  /** What fired: the data, the spec, or both; empty when nothing changed or there is no current model. */
  readonly fired: readonly ('data' | 'spec')[];
  /** E.g. `spec changed since model v1 (model-spec hash 1a2b… → 3c4d…)`. */
  readonly reason: string;
}

/**
 * Retrain when there is no current model, or when the data's fingerprint or
 * the model-spec hash differs from the current model's. A current model with
 * no recorded model-spec hash counts as a changed spec: the gate cannot tell.
 */
export function retrainGate(current: ChampionRecord | undefined, now: { readonly fingerprint: string; readonly modelSpecHash: string }): RetrainGate {
  if (!current) return { retrain: true, fired: [], reason: 'no current model' };
  const short = (hash: string | undefined) => (hash ? hash.slice(0, 12) : 'none recorded');
  const fired = [
    ...(current.fingerprint !== now.fingerprint ? ['data' as const] : []),
    ...(current.modelSpecHash !== now.modelSpecHash ? ['spec' as const] : []),
  ];
  if (fired.length === 0) {
    return { retrain: false, fired, reason: `data and spec unchanged since model ${current.version} (fingerprint ${short(now.fingerprint)}, model-spec hash ${short(now.modelSpecHash)})` };
  }
  const changes = fired.map((what) => (what === 'data'
    ? `fingerprint ${short(current.fingerprint)} → ${short(now.fingerprint)}`
    : `model-spec hash ${short(current.modelSpecHash)} → ${short(now.modelSpecHash)}`));
  return { retrain: true, fired, reason: `${fired.join(' and ')} changed since model ${current.version} (${changes.join(', ')})` };
}

/** How two models did on the same test images. */
export interface PairedCounts {
  readonly images: number;
  readonly challengerRight: number;
  readonly championRight: number;
  /** Images only the challenger classifies right, and only the champion (McNemar's discordant pairs). */
  readonly onlyChallenger: number;
  readonly onlyChampion: number;
}

/** Counts from each image's true class and the two models' predicted classes (same order, same class indices). */
export function pairedCounts(truth: ArrayLike<number>, challenger: ArrayLike<number>, champion: ArrayLike<number>): PairedCounts {
  if (challenger.length !== truth.length || champion.length !== truth.length) {
    throw new RangeError(`paired counts need one prediction per image from each model: ${truth.length} images, ${challenger.length} and ${champion.length} predictions`);
  }
  let challengerRight = 0;
  let championRight = 0;
  let onlyChallenger = 0;
  let onlyChampion = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = challenger[i] === truth[i];
    const b = champion[i] === truth[i];
    if (a) challengerRight++;
    if (b) championRight++;
    if (a && !b) onlyChallenger++;
    if (b && !a) onlyChampion++;
  }
  return { images: truth.length, challengerRight, championRight, onlyChallenger, onlyChampion };
}

/** z of a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

/**
 * Half-width of the 95 % confidence interval of the accuracy difference of
 * two models judged on the same n images (Wald interval for paired
 * proportions with continuity correction, Fleiss):
 *
 *   z · √(b + c − (b − c)² / n) / n + 1 / n
 *
 * with b, c the images only the challenger / only the champion gets right.
 * Images both get right or both get wrong say nothing about which is better,
 * so a pairing is far tighter than comparing two accuracies on their own.
 * It agrees with McNemar's exact test at 5 %: e.g. n = 100, b = 5, c = 0 is
 * not significant (margin 5.3 points), b = 6, c = 0 is (5.6 points). The
 * 1/n term makes a tie (b = c) never clear it.
 */
export function confidenceMargin(p: PairedCounts): number {
  if (p.images === 0) return Infinity;
  const b = p.onlyChallenger;
  const c = p.onlyChampion;
  const variance = Math.max(0, b + c - (b - c) ** 2 / p.images);
  return (Z95 * Math.sqrt(variance) + 1) / p.images;
}

export interface PromotionDecision {
  readonly promoted: boolean;
  readonly reason: string;
  /** Test images behind the accuracies (both models on the same ones when there was a champion). */
  readonly testImages: number;
  readonly challengerAccuracy: number;
  /** The champion's accuracy on the challenger's test images; absent without a champion. */
  readonly championAccuracy?: number;
  /** What the difference had to exceed: the larger of the 95 % confidence margin and `promoteMargin`. */
  readonly margin?: number;
  readonly confidenceMargin?: number;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const points = (x: number) => `${(100 * x).toFixed(2)} points`;

/**
 * A challenger is promoted when there is no champion, when it is the
 * champion already (a retried publish), or when, on the same test images,
 * its accuracy beats the champion's by more than the larger of the 95 %
 * confidence margin and `promoteMargin`. A tie or a smaller gain keeps the champion.
 */
export function decidePromotion(
  challenger: { readonly version: string; readonly testAccuracy: number; readonly testImages: number },
  champion: ChampionRecord | undefined,
  paired: PairedCounts | undefined,
  promoteMargin: number,
): PromotionDecision {
  const alone = { testImages: challenger.testImages, challengerAccuracy: challenger.testAccuracy };
  if (!champion) return { promoted: true, reason: `first model: ${pct(challenger.testAccuracy)} on ${challenger.testImages} test images`, ...alone };
  if (champion.version === challenger.version) return { promoted: true, reason: 'already the current model', ...alone };
  if (!paired) throw new Error(`decidePromotion: champion ${champion.version} was not judged on the challenger's test images`);
  if (paired.images === 0) return { promoted: false, reason: `no test images to judge on; kept ${champion.version}`, ...alone, testImages: 0 };
  const challengerAccuracy = paired.challengerRight / paired.images;
  const championAccuracy = paired.championRight / paired.images;
  const confidence = confidenceMargin(paired);
  const margin = Math.max(confidence, promoteMargin);
  const gain = challengerAccuracy - championAccuracy;
  const promoted = gain > margin;
  const which = confidence >= promoteMargin ? '95% confidence' : 'promoteMargin';
  const both = `${pct(challengerAccuracy)} vs ${champion.version}'s ${pct(championAccuracy)} on the same ${paired.images} test images`;
  const by = `${gain >= 0 ? '+' : ''}${points(gain)}`;
  const reason = promoted
    ? `${both}: ${by}, more than the margin of ${points(margin)} (${which})`
    : `${both}: ${by}, not more than the margin of ${points(margin)} (${which}); kept ${champion.version}`;
  return { promoted, reason, testImages: paired.images, challengerAccuracy, championAccuracy, margin, confidenceMargin: confidence };
}
