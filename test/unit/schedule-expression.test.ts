import {
  describeScheduleProblem,
  isKnownTimeZone,
} from '../../functions/core/schedule-expression.js';

describe('describeScheduleProblem', () => {
  it.each([
    'cron(0 3 * * ? *)',
    'cron(0 6 ? * SUN *)',
    'cron(0/15 * * * ? *)',
    'rate(1 day)',
    'rate(12 hours)',
    'at(2026-12-01T03:00:00)',
  ])('accepts %s', (expression) => expect(describeScheduleProblem(expression)).toBeUndefined());

  it.each([
    ['0 3 * * *', /expected cron/],
    ['cron(0 3 * * *)', /6 fields/],
    ['cron(0 3 * * * *)', /exactly one/],
    ['cron(0 3 ? * ? *)', /exactly one/],
    ['rate(0 hours)', /at least 1/],
    ['rate(2 hour)', /use "2 hours"/],
    ['cron(0 3 $ * ? *)', /characters/],
  ])('rejects %s', (expression, reason) =>
    expect(describeScheduleProblem(expression)).toMatch(reason),
  );
});

describe('isKnownTimeZone', () => {
  it('knows IANA names and rejects others', () => {
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Europe/Atlantis')).toBe(false);
  });
});
