/**
 * The identity of an SPDL pipeline stage, read from the label SPDL prints for it. Current
 * releases print `pipeline_id:stage_id:name[concurrency]` (e.g. `0:2:decode[4]`), earlier ones
 * `stage_index:name` or a bare name (`sink`); queues append `_queue` to their stage's label.
 */
export interface SpdlStageLabel {
  /** The stage's label without the `_queue` suffix; the key stage records are grouped by. */
  readonly stage: string;
  readonly pipelineId?: number;
  readonly stageId?: string;
  readonly functionName: string;
  readonly concurrency?: number;
  /** True when the label named the stage's output queue rather than its tasks. */
  readonly isQueue: boolean;
}

const QUEUE_SUFFIX = '_queue';

/** Splits an SPDL stage label into its parts; any non-empty label is accepted. */
export function parseSpdlStageLabel(label: string): SpdlStageLabel {
  const trimmed = label.trim();
  const isQueue = trimmed.endsWith(QUEUE_SUFFIX);
  const stage = isQueue ? trimmed.slice(0, -QUEUE_SUFFIX.length) : trimmed;

  const { pipelineId, stageId, rest } = splitPrefix(stage);
  const concurrencyMatch = /^(.*)\[(\d+)\]$/.exec(rest);
  const functionName = concurrencyMatch ? concurrencyMatch[1]! : rest;
  const concurrency = concurrencyMatch ? Number(concurrencyMatch[2]) : undefined;

  return {
    stage,
    ...(pipelineId !== undefined && { pipelineId }),
    ...(stageId !== undefined && { stageId }),
    functionName,
    ...(concurrency !== undefined && { concurrency }),
    isQueue,
  };
}

function splitPrefix(stage: string): { pipelineId?: number; stageId?: string; rest: string } {
  const full = /^(\d+):([^:\s]+):(.+)$/.exec(stage);
  if (full) return { pipelineId: Number(full[1]), stageId: full[2]!, rest: full[3]! };

  // Two parts: the number is the stage's position, as in `2:download`.
  const indexed = /^(\d+):(.+)$/.exec(stage);
  if (indexed) return { stageId: indexed[1]!, rest: indexed[2]! };

  return { rest: stage };
}
