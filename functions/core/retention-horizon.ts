import type { Retention } from './config.js';

/**
 * The value of `backup:expires-at`: the latest moment at which any age-based rule could still
 * keep a point created at `createdAt`. Count-based rules (keepLast) and the pruning rails may keep
 * a point past it, never drop it before; with no age-based rule there is no horizon ("never").
 */
export function retentionHorizon(retention: Retention, createdAt: Date): Date | 'never' {
  if (retention.maxAgeDays !== undefined && retention.maxAgeDays > 0) {
    return addUtc(createdAt, { days: retention.maxAgeDays });
  }
  const candidates = [
    retention.daily ? addUtc(createdAt, { days: retention.daily }) : undefined,
    retention.weekly ? addUtc(createdAt, { days: 7 * retention.weekly }) : undefined,
    retention.monthly ? addUtc(createdAt, { months: retention.monthly }) : undefined,
    retention.yearly ? addUtc(createdAt, { months: 12 * retention.yearly }) : undefined,
  ].filter((date): date is Date => date !== undefined);
  if (candidates.length === 0) return 'never';
  const latest = Math.max(...candidates.map((date) => date.getTime()));
  const minAge = retention.minAgeDays
    ? addUtc(createdAt, { days: retention.minAgeDays }).getTime()
    : 0;
  return new Date(Math.max(latest, minAge));
}

export function formatExpiresAt(horizon: Date | 'never'): string {
  return horizon === 'never' ? 'never' : horizon.toISOString();
}

function addUtc(date: Date, by: { days?: number; months?: number }): Date {
  const result = new Date(date.getTime());
  if (by.months) result.setUTCMonth(result.getUTCMonth() + by.months);
  if (by.days) result.setUTCDate(result.getUTCDate() + by.days);
  return result;
}
