import type {
  RestoreBatchInput,
  RestoreBatchState,
  RestoreLoop,
  RestoreTestOptionsInput,
} from './run-state/restore-test-run.js';

type LoopPacing = Pick<RestoreTestOptionsInput, 'firstPollSeconds' | 'maxPollSeconds'>;

/** A batch's first state: every image queued, nothing seen, nothing waited. */
export function initialRestoreBatchState(event: RestoreBatchInput): RestoreBatchState {
  return {
    ...event,
    items: event.images.map((image) => ({
      imageId: image.imageId,
      sourceId: image.sourceId,
      status: 'queued',
      launchAttempts: 0,
      facts: { selfCheckAttempts: 0 },
      terminated: false,
    })),
    loop: startRestoreLoop(event.run.options),
  };
}

export function startRestoreLoop(options: LoopPacing): RestoreLoop {
  return { polls: 0, waitedSeconds: 0, nextPollSeconds: options.firstPollSeconds, settled: false };
}

/**
 * Seconds the batch has waited (by the ASL's Wait states) up to the turn now starting: the
 * previous total plus the wait that preceded this turn.
 */
export function waitedUntilNow(loop: RestoreLoop): number {
  return loop.polls === 0 ? 0 : loop.waitedSeconds + loop.nextPollSeconds;
}

/**
 * Books one turn. The interval grows by half each poll up to `maxPollSeconds`; a short cap keeps
 * the RTO's resolution (a verdict is reached at a poll) within that many seconds.
 */
export function recordRestorePoll(
  loop: RestoreLoop,
  settled: boolean,
  options: LoopPacing,
): RestoreLoop {
  const polls = loop.polls + 1;
  return {
    polls,
    waitedSeconds: waitedUntilNow(loop),
    nextPollSeconds: Math.min(
      options.maxPollSeconds,
      Math.round(options.firstPollSeconds * 1.5 ** (polls - 1)),
    ),
    settled,
  };
}

/**
 * Seconds a machine has been under test: the clock's count, or the ASL's waits when they say
 * more (in AWS they agree; a local run that skips waits still times out deterministically).
 */
export function elapsedSinceLaunch(
  launchedAt: string,
  waitedAtLaunch: number | undefined,
  now: Date,
  waitedNow: number,
): number {
  const byClock = Math.max(0, (now.getTime() - Date.parse(launchedAt)) / 1000);
  const byWaits = waitedAtLaunch === undefined ? 0 : Math.max(0, waitedNow - waitedAtLaunch);
  return Math.max(byClock, byWaits);
}
