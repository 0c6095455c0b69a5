/** Champion/challenger: the pure decision of whether a new model replaces the current one. */
export interface ChampionRecord {
  readonly version: string;
  readonly testAccuracy: number;
  readonly fingerprint: string;
  readonly specHash: string;
}

export interface PromotionDecision {
  readonly promoted: boolean;
  readonly reason: string;
}

/**
 * A challenger is promoted when there is no champion, when it is the
 * champion already (a retried publish), or when its test accuracy beats the
 * champion's by more than `margin`.
 */
export function decidePromotion(challenger: { version: string; testAccuracy: number }, champion: ChampionRecord | undefined, margin: number): PromotionDecision {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  if (!champion) return { promoted: true, reason: `first model: ${pct(challenger.testAccuracy)}` };
  if (champion.version === challenger.version) return { promoted: true, reason: 'already the current model' };
  const gain = challenger.testAccuracy - champion.testAccuracy;
  const by = `${gain >= 0 ? '+' : ''}${(100 * gain).toFixed(2)} points`;
  if (gain > margin) {
    return { promoted: true, reason: `${pct(challenger.testAccuracy)} beats ${champion.version}'s ${pct(champion.testAccuracy)} (${by}, margin ${pct(margin)})` };
  }
  return { promoted: false, reason: `${pct(challenger.testAccuracy)} does not beat ${champion.version}'s ${pct(champion.testAccuracy)} by more than ${pct(margin)} (${by}); kept ${champion.version}` };
}
