import type { RecoveryPointKind } from '../recovery-point.js';
import type { RestoreKind, RestoreRequest } from './restore-request.js';

/** A restore's life: PENDING (accepted) -> RUNNING -> VERIFYING (instances) -> an end state. */
export const RestoreStatuses = [
  'PENDING',
  'RUNNING',
  'VERIFYING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const;
export type RestoreStatus = (typeof RestoreStatuses)[number];
export const EndStatuses: ReadonlySet<RestoreStatus> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
]);

export type CreatedResourceType = 'volume' | 'volume-attachment' | 'instance' | 'image' | 'objects';

/** Something a restore made; every one carries `backup:restore-id` and `backup:restored-from`. */
export interface CreatedResource {
  type: CreatedResourceType;
  id: string;
  arn: string;
  region: string;
  /** For `objects` (one resource for every object written under a prefix): how many. */
  count?: number;
  /** Set by cancel or failure clean-up: whether it was removed again. */
  cleanedUp?: boolean;
}

export interface RestoreFailure {
  /** Error class name (ASL-matchable, stable). */
  name: string;
  message: string;
  /** The request field it concerns, dotted (`target.sizeGiB`), when there is one. */
  path?: string;
}

export interface RestoreProgress {
  unit: 'objects' | 'bytes' | 'steps';
  done: number;
  total?: number;
  bytesDone?: number;
  bytesTotal?: number;
}

export interface VerificationCheck {
  name: string;
  passed: boolean;
  detail?: string;
}

/** One restore, as the restore store keeps it and `GET /v1/restores/{id}` shows it. */
export interface RestoreRecord {
  restoreId: string;
  kind: RestoreKind;
  status: RestoreStatus;
  request: RestoreRequest;
  /** The point restored from (resolved from sourceId/at when the request gave those). */
  recoveryPointId: string;
  recoveryPointKind: RecoveryPointKind;
  sourceId: string;
  /** Where the restore creates things. */
  region: string;
  createdResources: CreatedResource[];
  errors: RestoreFailure[];
  progress?: RestoreProgress;
  verification?: { passed: boolean; checks: VerificationCheck[] };
  rtoSeconds?: number;
  /** sha256 of the canonical request body: the idempotency key's fingerprint. */
  requestHash: string;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  cancelRequestedAt?: string;
}
