import { EndStatuses, type RestoreRecord } from '../functions/core/restore/restore-record.js';
import type { Progress } from './progress.js';
import type { RestoreClient } from './restore-client.js';

/**
 * Follows a restore to its end, reading its record (what `GET /v1/restores/{id}` shows) every
 * interval; a local execution (run by this process) that ended without recording an end state stops the wait too.
 */
export async function followRestore(
  client: RestoreClient,
  restoreId: string,
  options: { progress?: Progress; intervalMs?: number } = {},
): Promise<RestoreRecord> {
  let settled = false;
  void client.ended?.(restoreId)?.then(() => (settled = true));
  for (;;) {
    const record = await client.get(restoreId);
    options.progress?.update(`restore ${restoreId}: ${describeProgress(record)}`);
    if (EndStatuses.has(record.status) || settled) return record;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
  }
}

/** `RUNNING, 120/400 objects` — the status and whatever progress the restore reports. */
export function describeProgress(record: RestoreRecord): string {
  const progress = record.progress;
  if (!progress) return record.status;
  const total = progress.total === undefined ? '' : `/${progress.total}`;
  return `${record.status}, ${progress.done}${total} ${progress.unit}`;
}

/** Lines for people: what the restore made (or cleaned up), its checks, its errors. */
export function describeRestore(record: RestoreRecord): string[] {
  return [
    `restore ${record.restoreId} (${record.kind} from ${record.recoveryPointId}): ${describeProgress(record)}`,
    ...record.createdResources.map(
      (resource) =>
        `  created ${resource.type} ${resource.id} ${resource.arn}` +
        (resource.cleanedUp === undefined ? '' : resource.cleanedUp ? ' (cleaned up)' : ' (left)'),
    ),
    ...(record.verification
      ? [
          `  verification: ${record.verification.passed ? 'passed' : 'failed'}` +
            (record.rtoSeconds === undefined ? '' : `, RTO ${record.rtoSeconds} s`),
          ...record.verification.checks.map(
            (check) =>
              `    ${check.passed ? 'ok  ' : 'FAIL'} ${check.name}${check.detail ? `: ${check.detail}` : ''}`,
          ),
        ]
      : []),
    ...record.errors.map((error) => `  error ${error.name}: ${error.message}`),
  ];
}
