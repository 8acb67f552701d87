import type { Pacing } from './run-state/backup-run.js';
import type { PollLoop } from './run-state/volume-batch.js';

/** A fresh loop for a phase: nothing waited yet. */
export function startPollLoop(phase: PollLoop['phase'], pacing: Pacing): PollLoop {
  return {
    phase,
    polls: 0,
    waitedSeconds: 0,
    nextPollSeconds: pacing.firstPollSeconds,
    settled: false,
  };
}

/**
 * Books one poll. The interval grows by half each poll up to `maxPollSeconds`, so a long
 * snapshot costs few transitions; `timedOut` says the phase has waited as long as it may.
 */
export function recordPoll(
  loop: PollLoop,
  settled: boolean,
  pacing: Pacing,
): { loop: PollLoop; timedOut: boolean } {
  const waitedSeconds = loop.polls === 0 ? 0 : loop.waitedSeconds + loop.nextPollSeconds;
  const polls = loop.polls + 1;
  const timedOut = !settled && waitedSeconds >= pacing.maxWaitSeconds;
  const nextPollSeconds = Math.min(
    pacing.maxPollSeconds,
    Math.round(pacing.firstPollSeconds * 1.5 ** (polls - 1)),
  );
  return {
    loop: { ...loop, polls, waitedSeconds, nextPollSeconds, settled: settled || timedOut },
    timedOut,
  };
}
