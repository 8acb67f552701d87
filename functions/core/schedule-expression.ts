/**
 * EventBridge Scheduler expressions: `cron(min hour day-of-month month day-of-week year)`,
 * `rate(N unit)` or `at(yyyy-mm-ddThh:mm:ss)`. Returns a reason when the expression is malformed,
 * so config validation can say exactly what is wrong; undefined when it is well formed.
 */
export function describeScheduleProblem(expression: string): string | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (value < 1) return `rate must be at least 1, got ${value}`;
    if ((value === 1) !== !unit.endsWith('s')) {
      return `use "${value} ${value === 1 ? unit.replace(/s$/, '') : unit.replace(/s?$/, 's')}" in ${expression}`;
    }
    return undefined;
  }
  if (/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(expression)) return undefined;
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) {
    return `expected cron(...), rate(...) or at(...), got "${expression}"`;
  }
  const fields = (cron[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6) {
    return `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length} in "${expression}"`;
  }
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return `cron needs "?" in exactly one of day-of-month and day-of-week, got "${dayOfMonth}" and "${dayOfWeek}"`;
  }
  const allowed = /^[0-9A-Za-z*?,/\-#LW]+$/;
  const bad = fields.find((field) => !allowed.test(field));
  if (bad !== undefined) return `cron field "${bad}" has characters cron does not allow`;
  return undefined;
}

/** True when the runtime knows the IANA time zone. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
