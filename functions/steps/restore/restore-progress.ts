import type { CreatedResource, RestoreFailure } from '../../core/restore/restore-record.js';
import type { RestoreStore, RestoreUpdate } from '../../ports/restore-store.js';
import { RestoreCancelledError } from '../../ports/errors/restore-run-errors.js';

/** What every restore workflow step takes to record its progress. */
export interface RestoreRecording {
  store: RestoreStore;
  clock: () => Date;
}

const active = ['PENDING', 'RUNNING', 'VERIFYING'] as const;

/**
 * A step's progress on the restore record, conditional on the restore still being under way: a
 * cancelled restore stays cancelled (docs/adr/0012-restore-api.md, decision 5), and its workflow
 * stops with RestoreCancelledError instead of going on creating things.
 */
export async function recordProgress(
  restoreId: string,
  update: Omit<RestoreUpdate, 'updatedAt'>,
  { store, clock }: RestoreRecording,
): Promise<void> {
  const updated = await store.update(
    restoreId,
    { ...update, updatedAt: clock().toISOString() },
    active,
  );
  if (!updated) {
    const record = await store.get(restoreId);
    throw new RestoreCancelledError(restoreId, record?.status ?? 'gone');
  }
}

/**
 * What a step created, recorded at once and whatever the status (a cancel that raced the
 * creation still finds it in the record, as well as by tag).
 */
export async function recordCreated(
  restoreId: string,
  resources: CreatedResource[],
  { store, clock }: RestoreRecording,
): Promise<void> {
  await store.update(restoreId, { createdResources: resources, updatedAt: clock().toISOString() });
}

/** The end of a failed restore: FAILED with the error, and what its clean-up removed. */
export async function recordFailure(
  restoreId: string,
  failure: RestoreFailure,
  cleanedUp: CreatedResource[],
  { store, clock }: RestoreRecording,
): Promise<void> {
  const now = clock().toISOString();
  await store.update(
    restoreId,
    {
      status: 'FAILED',
      errors: [failure],
      createdResources: cleanedUp,
      completedAt: now,
      updatedAt: now,
    },
    active,
  );
  // A cancelled restore keeps its status; the clean-up is still recorded.
  if (cleanedUp.length > 0)
    await store.update(restoreId, { createdResources: cleanedUp, updatedAt: now });
}

/** The error a Catch hands over (`{ Error, Cause }`), as the record keeps it. */
export function failureOf(error: { Error: string; Cause?: string | undefined }): RestoreFailure {
  let message = error.Cause ?? error.Error;
  try {
    const cause = JSON.parse(error.Cause ?? '') as { errorMessage?: string };
    message = cause.errorMessage ?? message;
  } catch {
    // A Cause that is not Lambda's JSON is kept as it is.
  }
  return { name: error.Error, message };
}

export function ec2Arn(region: string, account: string, type: string, id: string): string {
  return `arn:aws:ec2:${region}:${account}:${type}/${id}`;
}
