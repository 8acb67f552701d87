import type { Pacing } from './run-state/backup-run.js';
import type { PollLoop } from './run-state/volume-batch.js';

/** The part of the pacing that decides when a batch polls (docs/adr/0011-waits.md). */
export type PollSchedule = Pick<
  Pacing,
  'firstPollSeconds' | 'pollGrowth' | 'maxPollSeconds' | 'maxWaitSeconds'
>;

/** A fresh loop for a phase: nothing waited yet. */
export function startPollLoop(phase: PollLoop['phase'], pacing: PollSchedule): PollLoop {
  return {
    phase,
    polls: 0,
    waitedSeconds: 0,
    nextPollSeconds: pacing.firstPollSeconds,
    settled: false,
  };
}

/**
 * The wait before the next poll, `waitedSeconds` into the phase: `firstPollSeconds` plus
 * `pollGrowth - 1` times the time already waited (so the interval grows by `pollGrowth` per poll
 * and a poll count grows with the logarithm of the pending time), at most `maxPollSeconds`, at
 * least a second, and never past `maxWaitSeconds` (the last poll lands on the deadline). A
 * completion is therefore noticed at most `min(maxPollSeconds, firstPollSeconds +
 * (pollGrowth - 1) * pendingSeconds)` late.
 */
export function nextPollInterval(waitedSeconds: number, pacing: PollSchedule): number {
  const grown = Math.round(pacing.firstPollSeconds + (pacing.pollGrowth - 1) * waitedSeconds);
  const interval = Math.max(1, Math.min(pacing.maxPollSeconds, grown));
  const left = pacing.maxWaitSeconds - waitedSeconds;
  return left >= 1 ? Math.min(interval, Math.floor(left)) : interval;
}

/**
 * Books one poll and schedules the next (`nextPollInterval`); `timedOut` says the phase has
 * waited as long as it may.
 */
export function recordPoll(
  loop: PollLoop,
  settled: boolean,
  pacing: PollSchedule,
): { loop: PollLoop; timedOut: boolean } {
  const waitedSeconds = loop.polls === 0 ? 0 : loop.waitedSeconds + loop.nextPollSeconds;
  const polls = loop.polls + 1;
  const timedOut = !settled && waitedSeconds >= pacing.maxWaitSeconds;
  const nextPollSeconds = nextPollInterval(waitedSeconds, pacing);
  return {
    loop: { ...loop, polls, waitedSeconds, nextPollSeconds, settled: settled || timedOut },
    timedOut,
  };
}
