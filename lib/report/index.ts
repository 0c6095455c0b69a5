// Public API of the run report: metrics, charts, HTML.
export {
  confusionMatrix, confusionAccuracy, perClassMetrics,
  type ConfusionMatrix, type ClassMetrics,
} from './metrics';
export { learningCurvesSpec, confusionMatrixSpec, type VegaLiteSpec } from './charts';
export { renderVegaLiteSvgs, type RenderSvgOptions } from './vega-render';
export { renderReport } from './html';
export { renderReportCharts, buildReport } from './build-report';
export type {
  ReportInput, ReportCharts, ReportStage, ReportStageStatus, LearningCurvePoint,
  ReportModelResult, ReportChampion, ReportSkippedImages,
} from './report-input';
