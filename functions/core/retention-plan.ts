import type { Retention } from './config.js';
import { InvalidInputError } from './errors.js';
import type { RecoveryPointState } from './recovery-point.js';
import {
  civilFromDays,
  dayLabel,
  isoWeekLabel,
  isoWeekStart,
  localCalendar,
  monthKey,
  monthLabel,
} from './retention-calendar.js';

/** One recovery point of one source in one region, with what pruning needs to know about it. */
export interface RetentionCandidate {
  id: string;
  /** ISO-8601. */
  createdAt: string;
  state: RecoveryPointState;
  /** Tagged `backup:managed-by` this product. */
  managedByUs: boolean;
  /** EBS snapshot lock or S3 Object Lock. */
  locked?: boolean;
  legalHold?: boolean;
  /** A restore test passed on it, or it is a verified copy. */
  verified?: boolean;
  /** A snapshot behind a registered image: only the image's own deletion may take it. */
  backsImage?: boolean;
  /** The raw `backup:expires-at` tag value, when the point has one. */
  expiresAtTag?: string;
  /** What is wrong with the point's tags or records (a missing tag...): each keeps it, reported. */
  problems?: string[];
}

export interface RetentionPlanInput {
  points: readonly RetentionCandidate[];
  rules: Retention;
  /** IANA name; the daily, weekly, monthly and yearly periods are local to it. */
  timezone: string;
  now: Date;
  /** At most this share of the managed points is deleted in one plan; 0.5 when absent. */
  maxDeleteFraction?: number;
  /** Lift the fraction limit (and only it). */
  force?: boolean;
}

export type RetentionAction = 'keep' | 'delete';

export interface RetentionDecision {
  id: string;
  action: RetentionAction;
  /** Every rule or rail that decided, in words an operator reads (`weekly 2026-W40`, `locked`). */
  reasons: string[];
}

export interface RetentionPlan {
  /** One per point, oldest first (by createdAt, then id), whatever the input order. */
  decisions: RetentionDecision[];
  kept: number;
  deleted: number;
  /** The plan would have deleted more than the fraction allows, so it deletes nothing. */
  blockedByFraction: boolean;
}

export const defaultMaxDeleteFraction = 0.5;

const msPerDay = 86_400_000;
const noRuleKeeps = 'kept by no rule';

/** `backup:expires-at` as recovery points are tagged (docs/architecture.md §2.1): ISO-8601 or `never`. */
const isoDateTime =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

interface Tier {
  name: 'daily' | 'weekly' | 'monthly' | 'yearly';
  periods: number;
  /** An integer naming the period a local day falls in. */
  periodOf: (localDay: number) => number;
  label: (period: number) => string;
  /** Periods already seen, newest first; holds at most `periods` keys. */
  seen: Set<number>;
  lastPeriod: number;
}

/**
 * Which recovery points of one source in one region retention keeps, and why. A point kept by any
 * rule is kept; `maxAgeDays` then deletes what is older than it; the rails keep what nothing may
 * delete whatever the rules say. Pure and order-independent: points are ranked by createdAt, then
 * id, so the same points always give the same plan.
 */
export function planRetention(input: RetentionPlanInput): RetentionPlan {
  const { points, rules, now } = input;
  const maxDeleteFraction = input.maxDeleteFraction ?? defaultMaxDeleteFraction;
  if (!(maxDeleteFraction >= 0 && maxDeleteFraction <= 1)) {
    throw new InvalidInputError(
      `maxDeleteFraction must be between 0 and 1, got ${String(maxDeleteFraction)}`,
    );
  }
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new InvalidInputError('now is not a valid date');

  const count = points.length;
  const createdMs = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const parsed = parseInstant(points[index]!.createdAt);
    // A point whose creation time cannot be read ranks oldest and is kept by a rail below.
    createdMs[index] = Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
  }
  const order = rankOldestFirst(points, createdMs);

  const calendar = localCalendar(input.timezone);
  const tiers = activeTiers(rules);
  const keepLast = rules.keepLast ?? 0;
  const minAgeMs = (rules.minAgeDays ?? 0) * msPerDay;
  const maxAgeMs = rules.maxAgeDays ? rules.maxAgeDays * msPerDay : Number.POSITIVE_INFINITY;

  // Reasons per rank: the rails' (which always keep) apart from the rules' (which maxAgeDays overrides).
  const railReasons: (string[] | undefined)[] = new Array<string[] | undefined>(count);
  const ruleReasons: (string[] | undefined)[] = new Array<string[] | undefined>(count);
  const expiredOn: (string | undefined)[] = new Array<string | undefined>(count);
  const addRail = (rank: number, reason: string) => (railReasons[rank] ??= []).push(reason);
  const addRule = (rank: number, reason: string) => (ruleReasons[rank] ??= []).push(reason);

  let newestAvailable = -1;
  let newestVerified = -1;
  let eligibleSeen = 0;
  let managedCount = 0;
  for (let rank = count - 1; rank >= 0; rank--) {
    const index = order[rank]!;
    const point = points[index]!;
    const created = createdMs[index]!;
    if (point.managedByUs) managedCount++;
    railsFor(point, created, (reason) => addRail(rank, reason));

    // Only what could be restored counts toward the rules: a failed or foreign point protects nothing.
    const eligible = point.managedByUs && point.state === 'available' && Number.isFinite(created);
    if (!eligible) continue;
    if (newestAvailable < 0) newestAvailable = rank;
    if (newestVerified < 0 && point.verified) newestVerified = rank;

    if (eligibleSeen < keepLast) addRule(rank, `keepLast ${keepLast}`);
    eligibleSeen++;

    if (tiers.length > 0) {
      const localDay = calendar.localDay(created);
      for (const tier of tiers) {
        if (tier.seen.size >= tier.periods) continue;
        const period = tier.periodOf(localDay);
        if (period === tier.lastPeriod || tier.seen.has(period)) continue;
        // Walking newest first, the first point met in a period is that period's newest.
        tier.seen.add(period);
        tier.lastPeriod = period;
        addRule(rank, `${tier.name} ${tier.label(period)}`);
      }
    }

    const age = nowMs - created;
    if (age < minAgeMs) addRule(rank, `minAgeDays ${rules.minAgeDays ?? 0}`);
    if (age > maxAgeMs) expiredOn[rank] = dayLabelUtc(created + maxAgeMs);
  }
  if (newestVerified >= 0) addRail(newestVerified, 'newest verified');
  else if (newestAvailable >= 0) addRail(newestAvailable, 'newest available (none verified)');

  const decisions: RetentionDecision[] = new Array<RetentionDecision>(count);
  let deleted = 0;
  for (let rank = 0; rank < count; rank++) {
    const id = points[order[rank]!]!.id;
    const rails = railReasons[rank];
    const kept = ruleReasons[rank];
    const expired = expiredOn[rank];
    if (rails) {
      decisions[rank] = { id, action: 'keep', reasons: kept ? [...rails, ...kept] : rails };
    } else if (expired !== undefined) {
      decisions[rank] = { id, action: 'delete', reasons: [`expired ${expired}`] };
      deleted++;
    } else if (kept) {
      decisions[rank] = { id, action: 'keep', reasons: kept };
    } else {
      decisions[rank] = { id, action: 'delete', reasons: [noRuleKeeps] };
      deleted++;
    }
  }

  const blockedByFraction = !input.force && deleted > maxDeleteFraction * managedCount;
  if (blockedByFraction) {
    const limit = `fraction limit ${formatPercent(maxDeleteFraction)}`;
    for (const decision of decisions) {
      if (decision.action !== 'delete') continue;
      decision.action = 'keep';
      decision.reasons = [limit, ...decision.reasons];
    }
    deleted = 0;
  }
  return { decisions, kept: count - deleted, deleted, blockedByFraction };
}

/** The rails: reasons to keep a point that no rule or configuration can override. */
function railsFor(point: RetentionCandidate, created: number, add: (reason: string) => void): void {
  if (!point.managedByUs) add('not managed by this product');
  if (point.state !== 'available') add(`not available (${point.state})`);
  if (!Number.isFinite(created)) add(`malformed createdAt="${point.createdAt}"`);
  if (point.locked) add('locked');
  if (point.legalHold) add('legal hold');
  if (point.backsImage) add('backs a registered image');
  for (const problem of point.problems ?? []) add(problem);
  const tag = point.expiresAtTag;
  if (tag !== undefined && !isWellFormedExpiresAt(tag)) {
    add(`malformed tag backup:expires-at="${tag}"`);
  }
}

/** An instant with a date, a time and an offset; anything looser is not read (NaN). */
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * `backup:created-at` as the product writes it. Date.parse alone is too lenient ("week 12" is a
 * date to it) and reads times without an offset in the machine's zone; either would misplace a
 * point in time, so such values count as malformed and keep the point.
 */
export function parseInstant(value: string): number {
  return isoInstant.test(value) ? Date.parse(value) : Number.NaN;
}

export function isWellFormedExpiresAt(value: string): boolean {
  return value === 'never' || (isoDateTime.test(value) && !Number.isNaN(Date.parse(value)));
}

function activeTiers(rules: Retention): Tier[] {
  const tier = (
    name: Tier['name'],
    periods: number | undefined,
    periodOf: Tier['periodOf'],
    label: Tier['label'],
  ): Tier[] =>
    periods && periods > 0
      ? [{ name, periods, periodOf, label, seen: new Set(), lastPeriod: Number.NaN }]
      : [];
  return [
    ...tier('daily', rules.daily, (day) => day, dayLabel),
    ...tier('weekly', rules.weekly, isoWeekStart, isoWeekLabel),
    ...tier('monthly', rules.monthly, (day) => monthKey(civilFromDays(day)), monthLabel),
    ...tier(
      'yearly',
      rules.yearly,
      (day) => civilFromDays(day).year,
      (year) => String(year).padStart(4, '0'),
    ),
  ];
}

/** Indexes of the points, oldest first; equal times by id (code units, not locale). */
function rankOldestFirst(points: readonly RetentionCandidate[], createdMs: Float64Array): number[] {
  const order = Array.from({ length: points.length }, (_, index) => index);
  order.sort((a, b) => {
    const byTime = createdMs[a]! - createdMs[b]!;
    if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
    const idA = points[a]!.id;
    const idB = points[b]!.id;
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  });
  return order;
}

function dayLabelUtc(epochMs: number): string {
  return dayLabel(Math.floor(epochMs / msPerDay));
}

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}
