import { formatExpiresAt, retentionHorizon } from '../../functions/core/retention-horizon.js';

const created = new Date('2026-01-31T03:00:00Z');

describe('retentionHorizon (backup:expires-at)', () => {
  it('is the longest age-based tier', () => {
    expect(formatExpiresAt(retentionHorizon({ daily: 7, weekly: 4 }, created))).toBe(
      '2026-02-28T03:00:00.000Z',
    );
    expect(formatExpiresAt(retentionHorizon({ daily: 7, monthly: 12 }, created))).toBe(
      '2027-01-31T03:00:00.000Z',
    );
    expect(formatExpiresAt(retentionHorizon({ yearly: 2 }, created))).toBe(
      '2028-01-31T03:00:00.000Z',
    );
  });

  it('maxAgeDays is absolute', () => {
    expect(formatExpiresAt(retentionHorizon({ daily: 30, maxAgeDays: 10 }, created))).toBe(
      '2026-02-10T03:00:00.000Z',
    );
  });

  it('minAgeDays extends a shorter horizon', () => {
    expect(formatExpiresAt(retentionHorizon({ daily: 1, minAgeDays: 3 }, created))).toBe(
      '2026-02-03T03:00:00.000Z',
    );
  });

  it('is "never" when only a count decides', () => {
    expect(formatExpiresAt(retentionHorizon({ keepLast: 3 }, created))).toBe('never');
  });
});
