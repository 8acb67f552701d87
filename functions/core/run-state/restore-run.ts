import * as z from 'zod';
import {
  ImageRestoreRequestSchema,
  InstanceRestoreRequestSchema,
  VolumeRestoreRequestSchema,
} from '../restore/restore-request.js';
import type { RecoveryPoint } from '../recovery-point.js';
import { RestoreFactsSchema } from './restore-test-run.js';

/**
 * The payloads of the volume and instance restore workflows (statemachines/restore-volume.asl.json,
 * restore-instance.asl.json). The execution input is the API's (docs/adr/0012-restore-api.md):
 * `{ restoreId, request, recoveryPoint, region }`; each Task returns it with its own progress
 * added, so every state has what the next needs.
 */

/** The recovery point as the API resolved it (the catalog's RecoveryPoint; extra fields kept). */
export const RestorePointSchema = z.looseObject({
  id: z.string().min(1),
  kind: z.enum(['volume-snapshot', 'image', 'image-export', 'bucket-copy']),
  sourceId: z.string(),
  region: z.string().min(1),
});

/** A restore's wait: polls so far, time waited, the next interval (functions/core/restore/restore-poll.ts). */
export const RestorePollSchema = z.object({
  polls: z.int(),
  waitedSeconds: z.number(),
  nextPollSeconds: z.int(),
});
export type RestorePoll = z.infer<typeof RestorePollSchema>;

const executionInput = {
  restoreId: z.string().min(1),
  recoveryPoint: RestorePointSchema,
  region: z.string().min(1),
};

export const VolumeRestoreInputSchema = z.looseObject({
  ...executionInput,
  request: VolumeRestoreRequestSchema,
});

/** creating: wait for `available`; attach: attach next; attaching: wait for `attached`; done. */
export const VolumeRestorePhaseSchema = z.enum(['creating', 'attach', 'attaching', 'done']);

export const VolumeRestoreStateSchema = VolumeRestoreInputSchema.extend({
  volumeId: z.string().min(1),
  phase: VolumeRestorePhaseSchema,
  poll: RestorePollSchema,
});
export type VolumeRestoreState = z.infer<typeof VolumeRestoreStateSchema>;
export type VolumeRestoreInput = z.infer<typeof VolumeRestoreInputSchema>;

export const InstanceRestoreInputSchema = z.looseObject({
  ...executionInput,
  request: InstanceRestoreRequestSchema,
});
export type InstanceRestoreInput = z.infer<typeof InstanceRestoreInputSchema>;

/** The Catch's input: the state as it was when the failure struck, with the error. */
export const RestoreFailureEventSchema = z.looseObject({
  restoreId: z.string().min(1),
  region: z.string().min(1),
  error: z.looseObject({ Error: z.string(), Cause: z.string().optional() }),
});
export type RestoreFailureEvent = z.infer<typeof RestoreFailureEventSchema>;

export function asRecoveryPoint(point: z.infer<typeof RestorePointSchema>): RecoveryPoint {
  return point as unknown as RecoveryPoint;
}

/** starting: wait for `running`; verifying: the restore-test checks; done. */
export const InstanceRestorePhaseSchema = z.enum(['starting', 'verifying', 'done']);

export const VerificationSchema = z.object({
  passed: z.boolean(),
  checks: z.array(
    z.object({ name: z.string(), passed: z.boolean(), detail: z.string().optional() }),
  ),
});

export const InstanceRestoreStateSchema = InstanceRestoreInputSchema.extend({
  instanceId: z.string().min(1),
  /** The RunInstances call (ISO-8601): the RTO counts from here. */
  launchedAt: z.string(),
  phase: InstanceRestorePhaseSchema,
  poll: RestorePollSchema,
  /** What the verification has seen so far (the restore test's facts, functions/core/restore-test-judge.ts). */
  facts: RestoreFactsSchema.optional(),
  verification: VerificationSchema.optional(),
  rtoSeconds: z.number().optional(),
});
export type InstanceRestoreState = z.infer<typeof InstanceRestoreStateSchema>;

export const ImageRestoreInputSchema = z.looseObject({
  ...executionInput,
  request: ImageRestoreRequestSchema,
});
export type ImageRestoreInput = z.infer<typeof ImageRestoreInputSchema>;

export const ImageRestoreStateSchema = ImageRestoreInputSchema.extend({
  imageId: z.string().min(1),
  /** creating: wait for `available`; done. */
  phase: z.enum(['creating', 'done']),
  poll: RestorePollSchema,
});
export type ImageRestoreState = z.infer<typeof ImageRestoreStateSchema>;
