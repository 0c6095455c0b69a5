/** Metrics of one epoch; `epoch` counts from 1. */
export interface EpochLogs {
  readonly epoch: number;
  readonly loss: number;
  readonly acc: number;
  readonly val_loss?: number;
  readonly val_acc?: number;
  /** The learning rate of the epoch's first step (of its top layer group, in a fine-tune with discriminative rates). */
  readonly lr?: number;
}

/** Metrics of one batch; `batch` counts from 0 within the epoch. */
export interface BatchLogs {
  readonly epoch: number;
  readonly batch: number;
  readonly size: number;
  readonly loss: number;
  readonly acc: number;
}
