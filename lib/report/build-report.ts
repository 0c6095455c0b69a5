import { confusionMatrixSpec, learningCurvesSpec, type VegaLiteSpec } from './charts';
import { renderReport } from './html';
import type { ReportCharts, ReportInput } from './report-input';
import { renderVegaLiteSvgs, type RenderSvgOptions } from './vega-render';

/** Renders the report's plots (learning curves, confusion matrix) to SVG in one renderer run. */
export async function renderReportCharts(input: ReportInput, options?: RenderSvgOptions): Promise<ReportCharts> {
  const wanted: [keyof ReportCharts, VegaLiteSpec][] = [];
  if (input.history && input.history.length > 0) wanted.push(['learningCurves', learningCurvesSpec(input.history)]);
  if (input.confusion) wanted.push(['confusion', confusionMatrixSpec(input.confusion, input.classNames)]);
  const svgs = await renderVegaLiteSvgs(wanted.map(([, spec]) => spec), options);
  return Object.fromEntries(wanted.map(([name], i) => [name, svgs[i]!])) as ReportCharts;
}

/** The whole report: plots rendered, then the HTML page around them. */
export async function buildReport(input: ReportInput, options?: RenderSvgOptions): Promise<string> {
  return renderReport(input, await renderReportCharts(input, options));
}
