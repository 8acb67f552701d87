import fc from 'fast-check';
import {
  nextPollInterval,
  recordPoll,
  startPollLoop,
  type PollSchedule,
} from '../../functions/core/poll-loop.js';
import { PacingSchema } from '../../functions/core/run-state/backup-run.js';

/**
 * The poll schedule of ADR 0011: polls grow with the logarithm of the pending time up to the cap,
 * a completion is noticed at most min(cap, first + (growth - 1) * pending) late, and the last
 * poll lands on maxWaitSeconds.
 */

interface Outcome {
  /** Polls that saw the work still pending. */
  pendingPolls: number;
  /** Simulated seconds waited at the poll that settled the loop. */
  settledAt: number;
  timedOut: boolean;
}

/** Drives a loop whose work completes `pendingSeconds` after the phase's first poll. */
function simulate(pendingSeconds: number, pacing: PollSchedule): Outcome {
  let loop = startPollLoop('snapshot', pacing);
  let pendingPolls = 0;
  for (;;) {
    const waitedNow = loop.polls === 0 ? 0 : loop.waitedSeconds + loop.nextPollSeconds;
    const done = waitedNow >= pendingSeconds;
    const booked = recordPoll(loop, done, pacing);
    loop = booked.loop;
    if (loop.settled)
      return { pendingPolls, settledAt: loop.waitedSeconds, timedOut: booked.timedOut };
    pendingPolls += 1;
  }
}

const defaults = PacingSchema.parse({});

const scheduleArbitrary = fc.record({
  firstPollSeconds: fc.integer({ min: 0, max: 600 }),
  pollGrowth: fc.double({ min: 1, max: 2, noNaN: true }),
  maxPollSeconds: fc.integer({ min: 1, max: 86_400 }),
  maxWaitSeconds: fc.integer({ min: 0, max: 48 * 3600 }),
});

/** A schedule and a pending time up to its maxWaitSeconds. */
const pendingArbitrary = scheduleArbitrary.chain((pacing) =>
  fc.record({
    pacing: fc.constant(pacing),
    pendingSeconds: fc.double({ min: 0, max: pacing.maxWaitSeconds, noNaN: true }),
  }),
);

describe('the poll schedule (ADR 0011)', () => {
  it('defaults: 15 s growing by half per poll, capped at an hour', () => {
    expect(defaults).toMatchObject({ firstPollSeconds: 15, pollGrowth: 1.5, maxPollSeconds: 3600 });
  });

  it('below the old 300 s cap it is the old schedule (15 s x 1.5^n, up to rounding), then keeps growing', () => {
    let loop = startPollLoop('snapshot', defaults);
    const intervals: number[] = [];
    for (let poll = 0; poll < 10; poll += 1) {
      loop = recordPoll(loop, false, defaults).loop;
      intervals.push(loop.nextPollSeconds);
    }
    // main before issue 10: 15, 23, 34, 51, 76, 114, 171, 256, then 300 for ever
    expect(intervals).toEqual([15, 23, 34, 51, 77, 115, 173, 259, 389, 583]);
  });

  it('with the defaults, 6 h pending costs at most 2.25x the polls of 10 min, noticed within the cap', () => {
    const tenMinutes = simulate(600, defaults);
    const sixHours = simulate(6 * 3600, defaults);
    expect(tenMinutes).toMatchObject({ pendingPolls: 8, timedOut: false });
    expect(sixHours).toMatchObject({ pendingPolls: 18, timedOut: false });
    expect(sixHours.pendingPolls).toBeLessThanOrEqual(2.25 * tenMinutes.pendingPolls);
    expect(tenMinutes.settledAt - 600).toBeLessThanOrEqual(15 + 0.5 * 600);
    expect(sixHours.settledAt - 6 * 3600).toBeLessThanOrEqual(3600);
  });

  it('pollGrowth 1 polls at a fixed interval', () => {
    const fixed = { ...defaults, pollGrowth: 1, firstPollSeconds: 60 };
    let loop = startPollLoop('copy', fixed);
    const intervals: number[] = [];
    for (let poll = 0; poll < 5; poll += 1) {
      loop = recordPoll(loop, false, fixed).loop;
      intervals.push(loop.nextPollSeconds);
    }
    expect(intervals).toEqual([60, 60, 60, 60, 60]);
  });

  it('never waits past the deadline, at least a second, at most the cap', () => {
    fc.assert(
      fc.property(scheduleArbitrary, fc.integer({ min: 0, max: 48 * 3600 }), (pacing, waited) => {
        const interval = nextPollInterval(waited, pacing);
        expect(Number.isInteger(interval)).toBe(true);
        expect(interval).toBeGreaterThanOrEqual(1);
        expect(interval).toBeLessThanOrEqual(pacing.maxPollSeconds);
        expect(interval).toBeLessThanOrEqual(
          Math.max(1, pacing.firstPollSeconds + (pacing.pollGrowth - 1) * waited + 0.5),
        );
        if (waited < pacing.maxWaitSeconds)
          expect(waited + interval).toBeLessThanOrEqual(pacing.maxWaitSeconds);
      }),
    );
  });

  it('work that never completes times out exactly at maxWaitSeconds', () => {
    fc.assert(
      fc.property(scheduleArbitrary, (pacing) => {
        const outcome = simulate(Number.POSITIVE_INFINITY, pacing);
        expect(outcome).toMatchObject({ timedOut: true, settledAt: pacing.maxWaitSeconds });
      }),
    );
  });

  it('work pending up to maxWaitSeconds is noticed, at most min(cap, first + (growth - 1) * T) late', () => {
    fc.assert(
      fc.property(pendingArbitrary, ({ pacing, pendingSeconds }) => {
        const outcome = simulate(pendingSeconds, pacing);
        expect(outcome.timedOut).toBe(false);
        expect(outcome.settledAt).toBeGreaterThanOrEqual(pendingSeconds);
        const late = outcome.settledAt - pendingSeconds;
        const bound = Math.max(
          1,
          Math.min(
            pacing.maxPollSeconds,
            pacing.firstPollSeconds + (pacing.pollGrowth - 1) * pendingSeconds + 0.5,
          ),
        );
        expect(late).toBeLessThanOrEqual(pendingSeconds === 0 ? 0 : bound);
      }),
    );
  });

  it('polls grow with the logarithm of the pending time until the cap, then linearly', () => {
    const growing = pendingArbitrary.filter(
      ({ pacing }) => pacing.pollGrowth >= 1.1 && pacing.firstPollSeconds >= 1,
    );
    fc.assert(
      fc.property(growing, ({ pacing, pendingSeconds }) => {
        const { pendingPolls } = simulate(pendingSeconds, pacing);
        const g = pacing.pollGrowth;
        const geometric =
          Math.log(1 + ((g - 1) * pendingSeconds) / (pacing.firstPollSeconds - 0.5)) / Math.log(g);
        expect(pendingPolls).toBeLessThanOrEqual(
          3 + geometric + pendingSeconds / pacing.maxPollSeconds,
        );
      }),
    );
  });

  it('validates the growth and the cap', () => {
    for (const bad of [{ pollGrowth: 0.9 }, { pollGrowth: 2.5 }, { maxPollSeconds: 0 }]) {
      expect(PacingSchema.safeParse(bad).success).toBe(false);
    }
    expect(PacingSchema.safeParse({ pollGrowth: 1, maxPollSeconds: 60 }).success).toBe(true);
  });
});
