import { confusionAccuracy, perClassMetrics } from './metrics';
import type { ReportCharts, ReportInput, ReportModelResult, ReportSkippedImages, ReportStage } from './report-input';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A self-contained HTML report: inline CSS and SVG, no scripts, no external
 * URLs (its Content-Security-Policy forbids fetching anything), so it opens
 * the same from MinIO, a mail attachment or an air-gapped disk.
 */
export function renderReport(input: ReportInput, charts: ReportCharts = {}): string {
  const title = `Graft report: ${input.pipeline}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    summary(input),
    skippedImages(input.skippedImages),
    champion(input),
    stages(input.stages),
    metrics(input),
    comparison(input.comparison ?? []),
    figure('learning-curves', 'Learning curves', charts.learningCurves, input.history?.length ? 'not rendered' : 'no training history'),
    figure('confusion-matrix', 'Confusion matrix (test set)', charts.confusion, input.confusion ? 'not rendered' : 'no evaluation'),
    '</body></html>',
    '',
  ].join('\n');
}

const CSS = [
  'body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1f24}',
  'h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}',
  'table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}',
  'td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f6f8fa}',
  'dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0;font-family:monospace}',
  '.status-cached{color:#0969da}.status-resumed{color:#9a6700}.status-failed{color:#cf222e}.status-computed{color:#1a7f37}',
  '.best{font-weight:700}.outcome{padding:.6rem 1rem;border-radius:6px;background:#f6f8fa}',
  'figure{margin:1rem 0}figure svg{max-width:100%;height:auto}.missing{color:#57606a;font-style:italic}',
].join('');

function summary(input: ReportInput): string {
  const rows: [string, string][] = [
    ['Pipeline', input.pipeline],
    ['Run id', input.runId],
    ['Spec hash', input.specHash],
    ['Dataset fingerprint', input.datasetFingerprint],
    ['Classes', `${input.classNames.length}`],
  ];
  if (input.createdAt) rows.push(['Created', input.createdAt]);
  return `<dl id="summary">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

/** The model was trained without these: the reader should know before trusting the numbers. */
function skippedImages(skipped: ReportSkippedImages | undefined): string {
  if (!skipped || skipped.count === 0) return '';
  const more = skipped.count - skipped.first.length;
  const items = [...skipped.first.map((line) => `<li>${escapeHtml(line)}</li>`), ...(more > 0 ? [`<li class="missing">… and ${more} more</li>`] : [])];
  return `<h2>Skipped images</h2><p id="skipped-images" data-count="${skipped.count}">${skipped.count} unreadable image(s) were left out of this run `
    + `(<code>onBadImage: skip</code>)${items.length > 0 ? ':' : '.'}</p>${items.length > 0 ? `<ul id="skipped-files">${items.join('')}</ul>` : ''}`;
}

function champion(input: ReportInput): string {
  const c = input.champion;
  if (!c) return '';
  const verdict = c.outcome === 'promoted'
    ? `Challenger <b>${escapeHtml(c.challenger.name)}</b> (${pct(c.challenger.accuracy)}) replaces champion <b>${escapeHtml(c.champion.name)}</b> (${pct(c.champion.accuracy)}).`
    : `Champion <b>${escapeHtml(c.champion.name)}</b> (${pct(c.champion.accuracy)}) stays; challenger <b>${escapeHtml(c.challenger.name)}</b> (${pct(c.challenger.accuracy)}) is not promoted.`;
  const reason = c.reason ? ` ${escapeHtml(c.reason)}` : '';
  const gain = c.challenger.accuracy - c.champion.accuracy;
  const facts: [string, string][] = [];
  if (c.testImages !== undefined) facts.push(['Test images (both models)', `${c.testImages}`]);
  facts.push(['Difference', `${gain >= 0 ? '+' : ''}${(100 * gain).toFixed(2)} points`]);
  if (c.margin !== undefined) facts.push(['Margin to beat', `${(100 * c.margin).toFixed(2)} points`]);
  const list = `<dl id="champion-numbers">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
  return `<h2>Champion / challenger</h2><p id="champion" class="outcome" data-outcome="${c.outcome}">${verdict}${reason}</p>${list}`;
}

function stages(list: readonly ReportStage[]): string {
  const rows = list.map((s) => `<tr><td>${escapeHtml(s.name)}</td><td class="status-${s.status}">${s.status}</td>`
    + `<td class="num">${s.seconds.toFixed(1)}</td><td>${escapeHtml(s.note ?? '')}</td></tr>`);
  return `<h2>Stages</h2>${table('stages', ['Stage', 'Status', 'Seconds', 'Note'], rows)}`;
}

function metrics(input: ReportInput): string {
  if (!input.confusion) return '<h2>Test metrics</h2><p class="missing">No evaluation in this run.</p>';
  const acc = confusionAccuracy(input.confusion);
  const rows = perClassMetrics(input.confusion).map((m) => `<tr><td>${escapeHtml(input.classNames[m.index] ?? `#${m.index}`)}</td>`
    + `<td class="num">${m.support}</td><td class="num">${pct(m.accuracy)}</td><td class="num">${pct(m.precision)}</td>`
    + `<td class="num">${pct(m.recall)}</td><td class="num">${pct(m.f1)}</td></tr>`);
  return `<h2>Test metrics</h2><p>Test accuracy: <b id="test-accuracy">${pct(acc)}</b></p>`
    + table('per-class', ['Class', 'Samples', 'Accuracy', 'Precision', 'Recall', 'F1'], rows);
}

function comparison(models: readonly ReportModelResult[]): string {
  if (models.length === 0) return '';
  const best = Math.max(...models.map((m) => m.testAccuracy));
  const rows = models.map((m) => `<tr${m.testAccuracy === best ? ' class="best"' : ''}><td>${escapeHtml(m.name)}</td>`
    + `<td>${escapeHtml(m.description ?? '')}</td><td class="num">${pct(m.testAccuracy)}</td><td class="num">${pct(m.valAccuracy)}</td>`
    + `<td class="num">${m.epochs ?? '—'}</td><td class="num">${m.trainSeconds === undefined ? '—' : m.trainSeconds.toFixed(1)}</td></tr>`);
  return `<h2>Model comparison</h2>${table('comparison', ['Model', 'How', 'Test accuracy', 'Val accuracy', 'Epochs', 'Train seconds'], rows)}`;
}

function figure(id: string, caption: string, svg: string | undefined, why: string): string {
  const body = svg === undefined ? `<p class="missing">Plot ${escapeHtml(why)}.</p>` : checkedSvg(svg);
  return `<h2>${escapeHtml(caption)}</h2><figure id="${id}">${body}</figure>`;
}

/**
 * The SVGs come from our own renderer, which escapes text; this guard makes
 * sure nothing active or external ever gets inlined, whatever produced them.
 */
function checkedSvg(svg: string): string {
  const text = svg.trim();
  // Only tags matter: text between them is escaped (a `<` there is `&lt;`).
  // Attribute values are dropped too: only tag and attribute names can be active.
  const tags = (text.match(/<[^>]*>/g) ?? []).map((t) => t.replace(/"[^"]*"|'[^']*'/g, '""'));
  const unsafe = tags.find((tag) =>
    /^<\/?\s*(?:script|foreignObject|iframe|image|use)\b/i.test(tag)
    || /\son[a-z]+\s*=/i.test(tag)
    || /\s(?:xlink:)?(?:href|src)\s*=/i.test(tag));
  if (!text.startsWith('<svg') || unsafe !== undefined) {
    throw new Error('refusing to inline an SVG with scripts, event handlers or references');
  }
  return text;
}

function table(id: string, head: readonly string[], rows: readonly string[]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  return `<table id="${id}"><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(2)}%`;
}
