import { recordPoll, startPollLoop } from '../../functions/core/poll-loop.js';
import { PacingSchema } from '../../functions/core/run-state/backup-run.js';

const pacing = PacingSchema.parse({
  firstPollSeconds: 10,
  maxPollSeconds: 60,
  maxWaitSeconds: 200,
});

describe('the batch poll loop', () => {
  it('grows the interval by half each poll up to the cap', () => {
    let loop = startPollLoop('snapshot', pacing);
    const intervals: number[] = [];
    for (let poll = 0; poll < 7; poll += 1) {
      loop = recordPoll(loop, false, pacing).loop;
      intervals.push(loop.nextPollSeconds);
    }
    // The last wait is cut to land on maxWaitSeconds (193 s waited, 200 s allowed): ADR 0011.
    expect(intervals).toEqual([10, 15, 23, 34, 51, 60, 7]);
  });

  it('counts the time waited and times out once it reaches maxWaitSeconds', () => {
    let loop = startPollLoop('copy', pacing);
    let timedOut = false;
    let polls = 0;
    while (!timedOut) {
      ({ loop, timedOut } = recordPoll(loop, false, pacing));
      polls += 1;
    }
    expect(loop.waitedSeconds).toBeGreaterThanOrEqual(200);
    expect(loop.settled).toBe(true);
    // waited after each poll: 0, 10, 25, 48, 82, 133, 193, 200 (the last wait cut to the deadline)
    expect(polls).toBe(8);
  });

  it('settles at once when nothing is left', () => {
    const { loop, timedOut } = recordPoll(startPollLoop('snapshot', pacing), true, pacing);
    expect(loop).toMatchObject({ settled: true, polls: 1 });
    expect(timedOut).toBe(false);
  });
});
