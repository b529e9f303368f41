import { z } from 'zod';

import type { AutoresearchReadings } from './parse-autoresearch-lines.ts';

/**
 * Evidence that could not yield the job's step time: no `[autoresearch] step=… step_time_ms=…`
 * line could be read and the job reported no throughput either. This is a result, not an
 * exception: the experiment records it as a failure of kind `metrics_missing` and keeps whatever
 * else was measured (duration, CPU, per-stage statistics).
 */
export const MetricsMissingFailureSchema = z.object({
  kind: z.literal('metrics_missing'),
  message: z.string(),
  details: z.object({
    logPaths: z.array(z.string()),
    markerLineCount: z.number().int().nonnegative(),
    skippedLineCount: z.number().int().nonnegative(),
    skippedTokenCount: z.number().int().nonnegative(),
    stepCount: z.number().int().nonnegative(),
    exitCode: z.number().int().optional(),
  }),
});

/** See {@link MetricsMissingFailureSchema}. */
export type MetricsMissingFailure = z.infer<typeof MetricsMissingFailureSchema>;

/**
 * Returns the `metrics_missing` failure when `readings` hold neither a step time nor a reported
 * throughput, else `undefined`. The message says what was expected, what was found, and where.
 */
export function findMissingMetrics(
  readings: AutoresearchReadings,
  context: { logPaths: readonly string[]; exitCode?: number },
): MetricsMissingFailure | undefined {
  if (readings.steps.length > 0 || readings.reportedThroughputs.length > 0) return undefined;

  return {
    kind: 'metrics_missing',
    message: describe(readings, context.logPaths),
    details: {
      logPaths: [...context.logPaths],
      markerLineCount: readings.markerLineCount,
      skippedLineCount: readings.skippedLineCount,
      skippedTokenCount: readings.skippedTokenCount,
      stepCount: readings.steps.length,
      ...(context.exitCode !== undefined && { exitCode: context.exitCode }),
    },
  };
}

function describe(readings: AutoresearchReadings, logPaths: readonly string[]): string {
  const found =
    readings.markerLineCount + readings.skippedLineCount === 0
      ? 'no [autoresearch] line at all'
      : `${readings.markerLineCount} readable [autoresearch] line(s) without a step time and ` +
        `${readings.skippedLineCount} unreadable one(s)`;
  return (
    `Expected "[autoresearch] step=<n> step_time_ms=<ms>" lines in ${logPaths.join(' and ')}, ` +
    `found ${found}. Check that the pipeline is instrumented and ran past its first step.`
  );
}
