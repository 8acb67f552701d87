import { nextPollInterval, type PollSchedule } from '../poll-loop.js';
import type { RestorePoll } from '../run-state/restore-run.js';

/**
 * How a restore waits for EC2 (a volume becoming available or attached, an instance running):
 * the backup's growing schedule (functions/core/poll-loop.ts, docs/adr/0011-waits.md) with a
 * short start and cap, since a restore is waited on by a person. An hour is the most any one
 * wait may take before the restore fails as timed out.
 */
export const restorePollSchedule: PollSchedule = {
  firstPollSeconds: 5,
  pollGrowth: 1.5,
  maxPollSeconds: 60,
  maxWaitSeconds: 3_600,
};

export function startRestorePoll(schedule: PollSchedule = restorePollSchedule): RestorePoll {
  return { polls: 0, waitedSeconds: 0, nextPollSeconds: schedule.firstPollSeconds };
}

/** Books one poll that did not settle; `timedOut` once the wait has lasted its maximum. */
export function nextRestorePoll(
  poll: RestorePoll,
  schedule: PollSchedule = restorePollSchedule,
): { poll: RestorePoll; timedOut: boolean } {
  const waitedSeconds = poll.waitedSeconds + poll.nextPollSeconds;
  return {
    poll: {
      polls: poll.polls + 1,
      waitedSeconds,
      nextPollSeconds: nextPollInterval(waitedSeconds, schedule),
    },
    timedOut: waitedSeconds >= schedule.maxWaitSeconds,
  };
}
