import { z } from 'zod';

/**
 * One unit of work as the engine sees it. The engine orders specs by `priority` (lower runs
 * first, ties in order of arrival) and hands them to the workflow; it never looks inside
 * `payload`, which belongs to the workflow.
 */
export const WorkSpecSchema = z.object({
  id: z.string().min(1, 'expected a non-empty string id'),
  priority: z.number().finite(),
  kind: z.string().min(1).default('default'),
  payload: z.record(z.string(), z.unknown()).default({}),
});

export type WorkSpec = z.output<typeof WorkSpecSchema>;

/** What a caller may pass: `kind` and `payload` may be left out. */
export type WorkSpecInput = z.input<typeof WorkSpecSchema>;

/** Fills defaults and checks a spec handed to the engine by code (not read from disk). */
export function toWorkSpec(input: WorkSpecInput): WorkSpec {
  return WorkSpecSchema.parse(input);
}
