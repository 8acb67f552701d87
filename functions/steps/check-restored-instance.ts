import { nextRestorePoll } from '../core/restore/restore-poll.js';
import type { InstanceRestoreState } from '../core/run-state/restore-run.js';
import type { InstanceRestoreTarget } from '../ports/instance-restore-target.js';
import type { RestoreObservation } from '../ports/restore-observation.js';
import {
  RestoredResourceFailedError,
  RestoreTimedOutError,
  RestoreVerificationFailedError,
} from '../ports/errors/restore-run-errors.js';
import { recordProgress, type RestoreRecording } from './restore/restore-progress.js';
import { verificationChecks, verificationTurn } from './restore/verify-restored-instance.js';

export interface CheckRestoredInstanceDeps extends RestoreRecording {
  instances: InstanceRestoreTarget;
  observer: RestoreObservation;
}

/**
 * One poll of the restored instance (the ASL waits between polls). Starting: until EC2 says
 * running (then VERIFYING if the request verifies, else done); an instance that stops or
 * terminates on its own fails the restore. Verifying: one turn of the restore test's checks;
 * passed records the verification and the RTO (launch call to verified); a failed verification
 * records the checks and fails the restore (the Catch terminates the instance).
 */
export async function checkRestoredInstance(
  event: InstanceRestoreState,
  deps: CheckRestoredInstanceDeps,
): Promise<InstanceRestoreState> {
  if (event.phase === 'verifying') return verify(event, deps);
  const instance = await deps.instances.describeInstance(event.instanceId);
  if (
    !instance ||
    ['shutting-down', 'terminated', 'stopping', 'stopped'].includes(instance.state)
  ) {
    throw new RestoredResourceFailedError(
      event.instanceId,
      instance?.state ?? 'gone',
      instance?.stateReason,
    );
  }
  if (instance.state === 'running') {
    if (!event.request.verify) return { ...event, phase: 'done' };
    await recordProgress(event.restoreId, { status: 'VERIFYING' }, deps);
    return { ...event, phase: 'verifying' };
  }
  return nextPoll(event, 'running');
}

async function verify(
  event: InstanceRestoreState,
  deps: CheckRestoredInstanceDeps,
): Promise<InstanceRestoreState> {
  // Local runs skip the Wait states: the time waited counts as much as the clock (as in restore tests).
  const elapsed = Math.max(
    (deps.clock().getTime() - Date.parse(event.launchedAt)) / 1_000,
    event.poll.waitedSeconds,
  );
  const imageId = event.recoveryPoint.id;
  const { facts, judgement } = await verificationTurn(
    { instanceId: event.instanceId, imageId, region: event.region },
    event.facts,
    elapsed,
    deps.observer,
  );
  if (!judgement.decided) return nextPoll({ ...event, facts }, 'verified');
  const verification = {
    passed: judgement.outcome === 'passed',
    checks: verificationChecks(facts, judgement),
  };
  if (!verification.passed) {
    await recordProgress(event.restoreId, { verification }, deps);
    throw new RestoreVerificationFailedError(event.instanceId, judgement.outcome, judgement.reason);
  }
  return { ...event, facts, verification, rtoSeconds: Math.round(elapsed), phase: 'done' };
}

function nextPoll(event: InstanceRestoreState, waitingFor: string): InstanceRestoreState {
  const { poll, timedOut } = nextRestorePoll(event.poll);
  if (timedOut) throw new RestoreTimedOutError(event.instanceId, waitingFor, poll.waitedSeconds);
  return { ...event, poll };
}
