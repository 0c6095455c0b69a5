// Every workflow the Graft worker registers. Deterministic code only.
export * from './smoke';
export * from './pipeline-workflow';
export * from './progress';
