import type { InstanceRestoreState } from '../core/run-state/restore-run.js';
import { recordProgress, type RestoreRecording } from './restore/restore-progress.js';

/** Instance restore, last state: COMPLETED, with the verification and RTO when it was verified. */
export async function finishInstanceRestore(
  event: InstanceRestoreState,
  recording: RestoreRecording,
): Promise<{ restoreId: string; status: 'COMPLETED'; instanceId: string; rtoSeconds?: number }> {
  await recordProgress(
    event.restoreId,
    {
      status: 'COMPLETED',
      completedAt: recording.clock().toISOString(),
      ...(event.verification ? { verification: event.verification } : {}),
      ...(event.rtoSeconds !== undefined ? { rtoSeconds: event.rtoSeconds } : {}),
    },
    recording,
  );
  return {
    restoreId: event.restoreId,
    status: 'COMPLETED',
    instanceId: event.instanceId,
    ...(event.rtoSeconds !== undefined ? { rtoSeconds: event.rtoSeconds } : {}),
  };
}
