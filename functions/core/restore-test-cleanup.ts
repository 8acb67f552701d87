import { withVerdict } from './restore-test-verdict.js';
import type { RestoreWork } from './run-state/restore-test-run.js';

type Failure = { name: string; message: string };

/** After this long past the timeout, a batch settles even if terminations keep failing (the sweeper follows). */
const settleGraceSeconds = 900;

/** The machines to terminate this turn: those of every image with a verdict. */
export function judgedInstanceIds(items: readonly RestoreWork[]): string[] {
  return items.flatMap((item) =>
    item.status === 'judged' && item.instanceId ? [item.instanceId] : [],
  );
}

/** No judged image has a machine to terminate (never launched, or gone): they are all done. */
export function afterNothingToTerminate(items: readonly RestoreWork[]): RestoreWork[] {
  return items.map((item) =>
    item.status === 'judged' ? { ...item, status: 'done', terminated: true } : item,
  );
}

/**
 * What TerminateInstances reported (each instance's state after the call): a machine shutting
 * down or gone is done; any other state is retried next turn, named as the cleanup error. A
 * judged image without a machine is done.
 */
export function afterTermination(
  items: readonly RestoreWork[],
  states: ReadonlyMap<string, string>,
): RestoreWork[] {
  return items.map((item) => {
    if (item.status !== 'judged') return item;
    const state = item.instanceId ? states.get(item.instanceId) : 'terminated';
    const { cleanupError: _previous, ...rest } = item;
    return state === 'shutting-down' || state === 'terminated'
      ? { ...rest, status: 'done', terminated: true }
      : {
          ...item,
          cleanupError: {
            name: 'TerminationPending',
            message: `instance ${item.instanceId} is ${state ?? 'not reported'} after TerminateInstances`,
          },
        };
  });
}

/** TerminateInstances refused: retried next turn if retryable, else left to the sweeper now. */
export function afterTerminationRefused(
  items: readonly RestoreWork[],
  failure: Failure,
  retryable: boolean,
): RestoreWork[] {
  return items.map((item) =>
    item.status !== 'judged'
      ? item
      : retryable
        ? { ...item, cleanupError: failure }
        : { ...item, status: 'done', cleanupError: failure },
  );
}

/**
 * A batch still unsettled long past its timeout settles anyway: a queued image never launched is
 * `launch-failed`, a judged one whose machine is not confirmed gone is left to the sweeper
 * (docs/adr/0005-restore-tests.md, decision 5).
 */
export function settleOverdue(
  items: readonly RestoreWork[],
  timeoutSeconds: number,
  waitedNow: number,
  now: Date,
): RestoreWork[] {
  const unsettled = items.some((item) => item.status !== 'done');
  if (!unsettled || waitedNow <= timeoutSeconds + settleGraceSeconds) return [...items];
  return items.map((item) => forceSettle(item, now));
}

function forceSettle(item: RestoreWork, now: Date): RestoreWork {
  if (item.status === 'queued') {
    const cause = item.lastError
      ? `${item.lastError.name}: ${item.lastError.message}`
      : 'no time left in any turn';
    return {
      ...withVerdict(
        { ...item, terminated: true },
        'launch-failed',
        `never launched: ${cause}`,
        now,
        {
          facts: { launchAttempts: item.launchAttempts },
        },
      ),
      status: 'done',
    };
  }
  if (item.status === 'judged') {
    return {
      ...item,
      status: 'done',
      cleanupError: item.cleanupError ?? {
        name: 'TerminationPending',
        message: `instance ${item.instanceId} not confirmed terminated; left to the sweeper`,
      },
    };
  }
  return item;
}
