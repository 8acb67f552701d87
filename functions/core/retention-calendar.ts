import { InvalidInputError } from './errors.js';

/**
 * The calendar the retention tiers count in: the local date of an instant in an IANA timezone,
 * and the day, ISO week, month and year it falls in. Dates are whole days since 1970-01-01 in
 * local time, so tier periods are compared as integers and labelled only when a rule names one.
 */

const msPerDay = 86_400_000;
/**
 * Offsets are looked up once per window of this width and reused for every instant in it. Six
 * hours is far shorter than the gap between any two offset changes in the tz database, so equal
 * offsets at both ends of a window mean none changed inside it.
 */
const offsetWindowMs = 6 * 3_600_000;

/** A converter from instants to local days in one timezone; cheap to call a million times. */
export interface LocalCalendar {
  /** Whole days since 1970-01-01 in the timezone's local time. */
  localDay(epochMs: number): number;
}

/**
 * Intl.DateTimeFormat is correct about DST and history but costs microseconds per call, so the
 * offset is asked once per window (and per instant only in the rare windows where it changes).
 */
export function localCalendar(timeZone: string): LocalCalendar {
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  } catch {
    throw new InvalidInputError(`unknown timezone "${timeZone}"`);
  }
  const offsetAt = (epochMs: number): number => {
    const wholeSecond = Math.floor(epochMs / 1000) * 1000;
    const parts: Record<string, string> = {};
    for (const part of formatter.formatToParts(wholeSecond)) parts[part.type] = part.value;
    const yearOfEra = Number(parts.year);
    const year = parts.era === 'BC' || parts.era === 'B' ? 1 - yearOfEra : yearOfEra;
    const localAsUtc = Date.UTC(
      year,
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    return localAsUtc - wholeSecond;
  };
  // Callers walk instants in time order, so remembering the last window catches nearly every call.
  let cachedWindow = Number.NaN;
  let cachedOffset: number | undefined;
  return {
    localDay(epochMs: number): number {
      const window = Math.floor(epochMs / offsetWindowMs);
      if (window !== cachedWindow) {
        const start = window * offsetWindowMs;
        const atStart = offsetAt(start);
        const atEnd = offsetAt(start + offsetWindowMs - 1);
        cachedWindow = window;
        cachedOffset = atStart === atEnd ? atStart : undefined;
      }
      const offset = cachedOffset ?? offsetAt(epochMs);
      return Math.floor((epochMs + offset) / msPerDay);
    },
  };
}

export interface CivilDate {
  year: number;
  /** 1 to 12. */
  month: number;
  /** 1 to 31. */
  day: number;
}

/** Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `civil_from_days`). */
export function civilFromDays(days: number): CivilDate {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** The Monday that starts the ISO week of a local day (1970-01-01 was a Thursday). */
export function isoWeekStart(localDay: number): number {
  const daysSinceMonday = (((localDay + 3) % 7) + 7) % 7;
  return localDay - daysSinceMonday;
}

/** `2026-W40`: the ISO week-numbering year is the year of the week's Thursday. */
export function isoWeekLabel(weekStart: number): string {
  const thursday = weekStart + 3;
  const { year } = civilFromDays(thursday);
  const firstThursday = isoWeekStart(daysFromCivil(year, 1, 4)) + 3;
  const week = Math.floor((thursday - firstThursday) / 7) + 1;
  return `${pad(year, 4)}-W${pad(week, 2)}`;
}

/** Months since year 0, an integer key for the local month. */
export function monthKey(date: CivilDate): number {
  return date.year * 12 + date.month - 1;
}

export function dayLabel(localDay: number): string {
  const { year, month, day } = civilFromDays(localDay);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function monthLabel(key: number): string {
  return `${pad(Math.floor(key / 12), 4)}-${pad((key % 12) + 1, 2)}`;
}

/** Proleptic Gregorian date to days since 1970-01-01 (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
