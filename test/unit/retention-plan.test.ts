import fc from 'fast-check';
import type { Retention } from '../../functions/core/config.js';
import {
  civilFromDays,
  daysFromCivil,
  isoWeekLabel,
  isoWeekStart,
  localCalendar,
} from '../../functions/core/retention-calendar.js';
import {
  planRetention,
  type RetentionCandidate,
  type RetentionPlan,
  type RetentionPlanInput,
} from '../../functions/core/retention-plan.js';

const day = 86_400_000;
const timezones = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'America/Santiago',
];

function point(id: string, createdAt: string, extra: Partial<RetentionCandidate> = {}) {
  return { id, createdAt, state: 'available', managedByUs: true, ...extra } as RetentionCandidate;
}

function plan(
  points: RetentionCandidate[],
  rules: Retention,
  extra: Partial<RetentionPlanInput> = {},
): RetentionPlan {
  return planRetention({
    points,
    rules,
    timezone: 'UTC',
    now: new Date('2026-11-22T12:00:00Z'),
    force: true,
    ...extra,
  });
}

const byId = (result: RetentionPlan) =>
  Object.fromEntries(result.decisions.map((decision) => [decision.id, decision]));
const keptIds = (result: RetentionPlan) =>
  result.decisions.filter((decision) => decision.action === 'keep').map((decision) => decision.id);

describe('planRetention, by hand', () => {
  it('keeps the newest point of each of the newest N days that have points, named by the rule', () => {
    const points = [
      point('a', '2026-11-20T01:00:00Z'),
      point('b', '2026-11-20T23:00:00Z'),
      point('c', '2026-11-18T10:00:00Z'),
      point('d', '2026-11-15T10:00:00Z'),
    ];
    const result = plan(points, { daily: 2 });
    expect(byId(result)).toEqual({
      a: { id: 'a', action: 'delete', reasons: ['kept by no rule'] },
      b: {
        id: 'b',
        action: 'keep',
        reasons: ['newest available (none verified)', 'daily 2026-11-20'],
      },
      c: { id: 'c', action: 'keep', reasons: ['daily 2026-11-18'] },
      d: { id: 'd', action: 'delete', reasons: ['kept by no rule'] },
    });
    expect(result).toMatchObject({ kept: 2, deleted: 2, blockedByFraction: false });
  });

  it('counts the local day in the policy timezone across a DST change (Europe/Berlin, 2026-10-25)', () => {
    // 00:30Z is 02:30 CEST, 01:30Z is 02:30 CET: the same local wall time, the same local day.
    const points = [
      point('before-change', '2026-10-25T00:30:00Z'),
      point('after-change', '2026-10-25T01:30:00Z'),
      point('previous-evening', '2026-10-24T21:30:00Z'), // 23:30 CEST on the 24th
      point('next-local-day', '2026-10-25T23:30:00Z'), // 00:30 CET on the 26th
    ];
    const result = plan(points, { daily: 3 }, { timezone: 'Europe/Berlin' });
    expect(byId(result)['after-change']?.reasons).toContain('daily 2026-10-25');
    expect(byId(result)['before-change']?.action).toBe('delete');
    expect(byId(result)['previous-evening']?.reasons).toEqual(['daily 2026-10-24']);
    expect(byId(result)['next-local-day']?.reasons).toContain('daily 2026-10-26');
    // In UTC all three later points fall on the 25th, and the 23:30Z one is that day's newest.
    const inUtc = byId(plan(points, { daily: 3 }));
    expect(inUtc['previous-evening']?.reasons).toEqual(['daily 2026-10-24']);
    expect(inUtc['next-local-day']?.reasons).toContain('daily 2026-10-25');
    expect(inUtc['after-change']?.action).toBe('delete');
    expect(inUtc['before-change']?.action).toBe('delete');
  });

  it('puts the spring-forward day right in America/New_York and Australia/Sydney', () => {
    const ny = [
      point('ny-late', '2026-03-08T04:59:00Z'), // 23:59 EST on the 7th
      point('ny-early', '2026-03-08T07:30:00Z'), // 03:30 EDT on the 8th
    ];
    expect(keptIds(plan(ny, { daily: 2 }, { timezone: 'America/New_York' }))).toEqual([
      'ny-late',
      'ny-early',
    ]);
    expect(
      byId(plan(ny, { daily: 2 }, { timezone: 'America/New_York' }))['ny-late']?.reasons,
    ).toEqual(['daily 2026-03-07']);
    // Sydney leaves daylight time at 03:00 AEDT on 2026-04-05 (16:00Z the 4th).
    const sydney = [
      point('syd-1', '2026-04-04T15:30:00Z'), // 02:30 AEDT on the 5th
      point('syd-2', '2026-04-04T16:30:00Z'), // 02:30 AEST on the 5th
    ];
    const result = byId(plan(sydney, { daily: 5 }, { timezone: 'Australia/Sydney' }));
    expect(result['syd-2']?.reasons).toContain('daily 2026-04-05');
    expect(result['syd-1']?.action).toBe('delete');
  });

  it('labels ISO weeks across year boundaries: 2026-W53, 2027-W01, 2025-W01 starting in 2024', () => {
    expect(isoWeekLabel(isoWeekStart(daysFromCivil(2026, 12, 31)))).toBe('2026-W53');
    expect(isoWeekLabel(isoWeekStart(daysFromCivil(2027, 1, 3)))).toBe('2026-W53');
    expect(isoWeekLabel(isoWeekStart(daysFromCivil(2027, 1, 4)))).toBe('2027-W01');
    expect(isoWeekLabel(isoWeekStart(daysFromCivil(2024, 12, 30)))).toBe('2025-W01');
    expect(isoWeekLabel(isoWeekStart(daysFromCivil(2024, 12, 29)))).toBe('2024-W52');
    expect(isoWeekLabel(isoWeekStart(daysFromCivil(2026, 10, 1)))).toBe('2026-W40');

    const points = [
      point('w53-thu', '2026-12-31T10:00:00Z'),
      point('w53-sun', '2027-01-03T10:00:00Z'),
      point('w01-mon', '2027-01-04T10:00:00Z'),
      point('w52-sun', '2026-12-27T10:00:00Z'),
    ];
    const result = byId(plan(points, { weekly: 3 }, { now: new Date('2027-01-05T00:00:00Z') }));
    expect(result['w01-mon']?.reasons).toContain('weekly 2027-W01');
    expect(result['w53-sun']?.reasons).toEqual(['weekly 2026-W53']);
    expect(result['w53-thu']?.action).toBe('delete');
    expect(result['w52-sun']?.reasons).toEqual(['weekly 2026-W52']);
  });

  it('puts a Sunday-night point in the next ISO week when the local Monday has begun', () => {
    // 2027-01-03T23:30Z is Monday 00:30 in Berlin: week 1 of 2027 there, week 53 of 2026 in UTC.
    const points = [point('x', '2027-01-03T23:30:00Z')];
    expect(byId(plan(points, { weekly: 1 }, { timezone: 'Europe/Berlin' })).x?.reasons).toContain(
      'weekly 2027-W01',
    );
    expect(byId(plan(points, { weekly: 1 })).x?.reasons).toContain('weekly 2026-W53');
  });

  it('names monthly, yearly, keepLast and minAgeDays, and deletes past maxAgeDays', () => {
    const points = [
      point('y2024', '2024-06-01T00:00:00Z'),
      point('oct', '2026-10-30T00:00:00Z'),
      point('nov-a', '2026-11-19T00:00:00Z'),
      point('nov-b', '2026-11-21T00:00:00Z', { verified: true }),
      point('nov-c', '2026-11-22T00:00:00Z'),
    ];
    const result = byId(
      plan(points, { keepLast: 2, monthly: 2, yearly: 3, minAgeDays: 3, maxAgeDays: 365 }),
    );
    expect(result['nov-c']?.reasons).toEqual([
      'keepLast 2',
      'monthly 2026-11',
      'yearly 2026',
      'minAgeDays 3',
    ]);
    expect(result['nov-b']?.reasons).toEqual(['newest verified', 'keepLast 2', 'minAgeDays 3']);
    expect(result['nov-a']?.action).toBe('delete');
    expect(result.oct?.reasons).toEqual(['monthly 2026-10']);
    // The yearly tier would keep it; maxAgeDays 365 expired it on 2025-06-01.
    expect(result.y2024).toEqual({
      id: 'y2024',
      action: 'delete',
      reasons: ['expired 2025-06-01'],
    });
  });

  it('keeps what the rails protect whatever the rules say, and reports why', () => {
    const points = [
      point('locked', '2020-01-01T00:00:00Z', { locked: true }),
      point('hold', '2020-01-02T00:00:00Z', { legalHold: true }),
      point('foreign', '2020-01-03T00:00:00Z', { managedByUs: false }),
      point('creating', '2020-01-04T00:00:00Z', { state: 'creating' }),
      point('failed', '2020-01-04T01:00:00Z', { state: 'failed' }),
      point('bad-tag', '2020-01-05T00:00:00Z', { expiresAtTag: 'next tuesday' }),
      point('good-tag', '2020-01-05T01:00:00Z', { expiresAtTag: '2020-02-05T01:00:00.000Z' }),
      point('never-tag', '2020-01-05T02:00:00Z', { expiresAtTag: 'never' }),
      point('image-snap', '2020-01-06T00:00:00Z', { backsImage: true }),
      point('verified', '2020-01-07T00:00:00Z', { verified: true }),
      point('newest', '2020-01-08T00:00:00Z'),
    ];
    const result = byId(plan(points, { maxAgeDays: 30 }));
    expect(result.locked?.reasons).toEqual(['locked']);
    expect(result.hold?.reasons).toEqual(['legal hold']);
    expect(result.foreign?.reasons).toEqual(['not managed by this product']);
    expect(result.creating?.reasons).toEqual(['not available (creating)']);
    expect(result.failed?.reasons).toEqual(['not available (failed)']);
    expect(result['bad-tag']?.reasons).toEqual(['malformed tag backup:expires-at="next tuesday"']);
    expect(result['image-snap']?.reasons).toEqual(['backs a registered image']);
    expect(result.verified?.reasons).toEqual(['newest verified']);
    expect(result['good-tag']?.action).toBe('delete');
    expect(result['never-tag']?.action).toBe('delete');
    expect(result.newest).toEqual({
      id: 'newest',
      action: 'delete',
      reasons: ['expired 2020-02-07'],
    });
  });

  it('deletes nothing when the plan would delete more than the fraction, unless forced', () => {
    const points = Array.from({ length: 10 }, (_, index) =>
      point(`p${index}`, new Date(Date.UTC(2026, 0, 1 + index)).toISOString()),
    );
    const blocked = plan(points, { keepLast: 4 }, { force: false });
    expect(blocked).toMatchObject({ kept: 10, deleted: 0, blockedByFraction: true });
    expect(byId(blocked).p0?.reasons).toEqual(['fraction limit 50%', 'kept by no rule']);
    expect(byId(blocked).p9?.reasons).toEqual(['newest available (none verified)', 'keepLast 4']);
    expect(plan(points, { keepLast: 5 }, { force: false }).deleted).toBe(5);
    expect(plan(points, { keepLast: 4 }, { force: false, maxDeleteFraction: 0.6 }).deleted).toBe(6);
    expect(plan(points, { keepLast: 4 }, { force: true })).toMatchObject({
      deleted: 6,
      blockedByFraction: false,
    });
    expect(
      byId(plan(points, { keepLast: 1 }, { force: false, maxDeleteFraction: 1 / 3 })).p0
        ?.reasons[0],
    ).toBe('fraction limit 33.3%');
  });

  it('rejects an unknown timezone and a fraction outside 0..1', () => {
    expect(() => plan([], { daily: 1 }, { timezone: 'Mars/Olympus' })).toThrow(/unknown timezone/);
    expect(() => plan([], { daily: 1 }, { maxDeleteFraction: 2 })).toThrow(/maxDeleteFraction/);
  });
});

describe('retention calendar', () => {
  it('agrees with Intl on the local date of random instants in every timezone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...timezones),
        fc.array(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), {
          minLength: 1,
          maxLength: 50,
        }),
        (timezone, instants) => {
          const calendar = localCalendar(timezone);
          const format = new Intl.DateTimeFormat('en-CA', {
            timeZone: timezone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
          });
          for (const instant of [...instants].sort((a, b) => a - b)) {
            const { year, month, day: dayOfMonth } = civilFromDays(calendar.localDay(instant));
            const expected = format.format(instant);
            const actual = `${year}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
            if (actual !== expected) return false;
          }
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---- properties over random histories ----

const start = Date.UTC(2025, 0, 1);
const span = 2 * 365 * day;

const candidateArb: fc.Arbitrary<Omit<RetentionCandidate, 'id'>> = fc.record(
  {
    createdAt: fc
      .integer({ min: start, max: start + span })
      .map((ms) => new Date(ms).toISOString()),
    state: fc.constantFrom(
      'available',
      'available',
      'available',
      'available',
      'creating',
      'failed',
      'expired',
    ),
    managedByUs: fc.integer({ min: 0, max: 9 }).map((roll) => roll > 0),
    locked: fc.boolean(),
    legalHold: fc.boolean(),
    verified: fc.boolean(),
    backsImage: fc.boolean(),
    expiresAtTag: fc.constantFrom('never', '2027-01-01T00:00:00.000Z', 'garbage', '2027-13-45'),
  },
  { requiredKeys: ['createdAt', 'state', 'managedByUs'] },
);

const historyArb = fc.array(candidateArb, { maxLength: 120 }).chain((points) =>
  fc
    .array(fc.integer({ min: 0, max: points.length }), { maxLength: 10 })
    // A few duplicate timestamps, so ties by id are exercised too.
    .map((dupes) =>
      points.map((candidate, index) => ({
        ...candidate,
        id: `rp-${String(index).padStart(4, '0')}`,
        createdAt: dupes.includes(index) && points[0] ? points[0].createdAt : candidate.createdAt,
      })),
    ),
);

const rulesArb: fc.Arbitrary<Retention> = fc
  .record(
    {
      keepLast: fc.integer({ min: 0, max: 10 }),
      daily: fc.integer({ min: 0, max: 30 }),
      weekly: fc.integer({ min: 0, max: 10 }),
      monthly: fc.integer({ min: 0, max: 14 }),
      yearly: fc.integer({ min: 0, max: 3 }),
      minAgeDays: fc.integer({ min: 0, max: 30 }),
      maxAgeDays: fc.integer({ min: 1, max: 800 }),
    },
    { requiredKeys: [] },
  )
  .map((rules) =>
    rules.minAgeDays !== undefined &&
    rules.maxAgeDays !== undefined &&
    rules.minAgeDays > rules.maxAgeDays
      ? { ...rules, minAgeDays: rules.maxAgeDays }
      : rules,
  );

const inputArb = fc.record({
  points: historyArb,
  rules: rulesArb,
  timezone: fc.constantFrom(...timezones),
  now: fc.integer({ min: start, max: start + span + 400 * day }).map((ms) => new Date(ms)),
  maxDeleteFraction: fc.constantFrom(0, 0.1, 0.5, 0.9, 1),
  force: fc.boolean(),
});

const eligible = (candidate: RetentionCandidate) =>
  candidate.managedByUs && candidate.state === 'available';
const newestFirst = (a: RetentionCandidate, b: RetentionCandidate) =>
  Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

describe('planRetention, properties', () => {
  it('the rails always hold', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = planRetention(input);
        const decisions = byId(result);
        const available = input.points.filter(eligible).sort(newestFirst);
        const verified = available.filter((candidate) => candidate.verified);
        const newestProtected = verified[0] ?? available[0];
        if (newestProtected && decisions[newestProtected.id]?.action !== 'keep') return false;
        for (const candidate of input.points) {
          const action = decisions[candidate.id]?.action;
          const mustKeep =
            candidate.locked ||
            candidate.legalHold ||
            candidate.backsImage ||
            !candidate.managedByUs ||
            candidate.state !== 'available' ||
            (candidate.expiresAtTag !== undefined &&
              !['never', '2027-01-01T00:00:00.000Z'].includes(candidate.expiresAtTag));
          if (mustKeep && action !== 'keep') return false;
        }
        const managed = input.points.filter((candidate) => candidate.managedByUs).length;
        if (!input.force && result.deleted > (input.maxDeleteFraction ?? 0.5) * managed) {
          return false;
        }
        return (
          result.decisions.length === input.points.length &&
          result.kept + result.deleted === input.points.length
        );
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic whatever the input order', () => {
    fc.assert(
      fc.property(
        inputArb.chain((input) =>
          fc
            .shuffledSubarray(input.points, {
              minLength: input.points.length,
              maxLength: input.points.length,
            })
            .map((shuffled) => ({ input, shuffled })),
        ),
        ({ input, shuffled }) => {
          expect(planRetention({ ...input, points: shuffled })).toEqual(planRetention(input));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('planning again over only the kept points deletes nothing more', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const forced = { ...input, force: true };
        const kept = new Set(keptIds(planRetention(forced)));
        const again = planRetention({
          ...forced,
          points: input.points.filter((candidate) => kept.has(candidate.id)),
        });
        return again.deleted === 0;
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the newest point of each of the newest N periods that have points', () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.constantFrom('daily', 'weekly', 'monthly', 'yearly'),
        (input, tierName) => {
          const rules: Retention = { [tierName]: 3 };
          const result = planRetention({ ...input, rules, force: true });
          const decisions = byId(result);
          const format = new Intl.DateTimeFormat('en-CA', {
            timeZone: input.timezone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
          });
          // An independent period key straight from Intl, not from the planner's calendar.
          const periodOf = (candidate: RetentionCandidate): string => {
            const local = format.format(new Date(candidate.createdAt));
            const [year, month, dayOfMonth] = local.split('-').map(Number) as [
              number,
              number,
              number,
            ];
            if (tierName === 'daily') return local;
            if (tierName === 'monthly') return local.slice(0, 7);
            if (tierName === 'yearly') return local.slice(0, 4);
            return isoWeekLabel(isoWeekStart(daysFromCivil(year, month, dayOfMonth)));
          };
          const newestPerPeriod = new Map<string, RetentionCandidate>();
          for (const candidate of input.points.filter(eligible).sort(newestFirst)) {
            const period = periodOf(candidate);
            if (!newestPerPeriod.has(period)) newestPerPeriod.set(period, candidate);
          }
          const chosen = [...newestPerPeriod.entries()].slice(0, 3);
          for (const [period, candidate] of chosen) {
            const decision = decisions[candidate.id];
            if (decision?.action !== 'keep') return false;
            if (!decision.reasons.includes(`${tierName} ${period}`)) return false;
          }
          // No other point carries a reason of this tier.
          const tierReasons = result.decisions.filter((decision) =>
            decision.reasons.some((reason) => reason.startsWith(`${tierName} `)),
          );
          return tierReasons.length === chosen.length;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keepLast keeps exactly the N newest available managed points', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 10 }), (input, keepLast) => {
        const result = planRetention({ ...input, rules: { keepLast }, force: true });
        const expected = input.points
          .filter(eligible)
          .sort(newestFirst)
          .slice(0, keepLast)
          .map((candidate) => candidate.id)
          .sort();
        const named = result.decisions
          .filter((decision) => decision.reasons.includes(`keepLast ${keepLast}`))
          .map((decision) => decision.id)
          .sort();
        const allKept = expected.every((id) => byId(result)[id]?.action === 'keep');
        return allKept && JSON.stringify(named) === JSON.stringify(expected);
      }),
      { numRuns: 300 },
    );
  });
});
