import * as z from 'zod';
import { BackupConfigSchema, RetentionSchema } from '../config.js';

/**
 * The payloads that flow through the prune workflow's ASL (statemachines/prune.asl.json). Each
 * region is pruned in turns: a turn surveys what is there, plans with the pure planner and
 * deletes until its time is up; the next turn plans again from what is left, so a re-run (or a
 * retried turn) only finishes what is still due.
 */

export const PruneRequestSchema = z.object({
  policyName: z.string().min(1),
  config: BackupConfigSchema,
  /** Plan as of this instant (ISO-8601) instead of the execution's start. */
  now: z.iso.datetime({ offset: true }).optional(),
  /** Lift the delete-fraction limit for this prune (and only it). */
  force: z.boolean().optional(),
});
export type PruneRequest = z.infer<typeof PruneRequestSchema>;

export const PlanPruneEventSchema = z.object({
  request: PruneRequestSchema,
  executionName: z.string().min(1),
  executionStartTime: z.string().min(1),
});
export type PlanPruneEvent = z.infer<typeof PlanPruneEventSchema>;

/** What every turn of every region shares. */
export const PruneContextSchema = z.object({
  runId: z.string(),
  policyName: z.string(),
  now: z.string(),
  timezone: z.string(),
  maxDeleteFraction: z.number(),
  force: z.boolean(),
});
export type PruneContext = z.infer<typeof PruneContextSchema>;

/** One region of a policy, with the retention that applies there. */
export const PruneTargetSchema = z.object({
  region: z.string(),
  retention: RetentionSchema,
  /** The backup bucket bucket copies of this policy go to in this region, when there is one. */
  backupBucket: z.string().optional(),
});
export type PruneTarget = z.infer<typeof PruneTargetSchema>;

export const PruneFailureSchema = z.object({
  id: z.string(),
  kind: z.string(),
  region: z.string(),
  name: z.string(),
  message: z.string(),
});
export type PruneFailure = z.infer<typeof PruneFailureSchema>;

export const PruneTotalsSchema = z.object({
  snapshotsDeleted: z.number(),
  imagesDeregistered: z.number(),
  imageSnapshotsDeleted: z.number(),
  /** Portable exports (ExportImage / store task artifacts) deleted with their images. */
  exportsDeleted: z.number().default(0),
  bucketRunsExpired: z.number(),
  objectVersionsDeleted: z.number(),
});
export type PruneTotals = z.infer<typeof PruneTotalsSchema>;

export function emptyPruneTotals(): PruneTotals {
  return {
    snapshotsDeleted: 0,
    imagesDeregistered: 0,
    imageSnapshotsDeleted: 0,
    exportsDeleted: 0,
    bucketRunsExpired: 0,
    objectVersionsDeleted: 0,
  };
}

/** What the first turn's plan said, before anything was deleted: the "why" of the prune. */
export const PrunePlanSummarySchema = z.object({
  points: z.number(),
  keep: z.number(),
  delete: z.number(),
  /** Points per deciding rule or rail (`daily`, `weekly`, `locked`, `kept by no rule`, ...). */
  keptBy: z.record(z.string(), z.number()),
  deletedBy: z.record(z.string(), z.number()),
  /** Sources whose plan the delete-fraction limit stopped: `<kind> <source>`. */
  blockedByFraction: z.array(z.string()),
  /** Points kept because a tag could not be read, with the tag. */
  problems: z.array(z.string()),
});
export type PrunePlanSummary = z.infer<typeof PrunePlanSummarySchema>;

export const PruneRegionStateSchema = z.object({
  prune: PruneContextSchema,
  target: PruneTargetSchema,
  turns: z.number().default(0),
  done: z.boolean().default(false),
  plan: PrunePlanSummarySchema.optional(),
  totals: PruneTotalsSchema.optional(),
  /** Points a turn failed to delete: later turns of this prune leave them alone (reported). */
  gaveUp: z.array(z.string()).default([]),
  failures: z.array(PruneFailureSchema).default([]),
});
export type PruneRegionState = z.infer<typeof PruneRegionStateSchema>;

/** A region whose turn failed as a whole (Catch): its state up to then, and the error. */
export const FailedPruneRegionSchema = PruneRegionStateSchema.extend({
  regionError: z.object({ Error: z.string(), Cause: z.string().optional() }),
});
export type FailedPruneRegion = z.infer<typeof FailedPruneRegionSchema>;

export const SummarizePruneEventSchema = z.object({
  prune: PruneContextSchema,
  // The failed shape first: it is the state plus `regionError`, which the plain state would strip.
  regions: z.array(z.union([FailedPruneRegionSchema, PruneRegionStateSchema])),
});
export type SummarizePruneEvent = z.infer<typeof SummarizePruneEventSchema>;
