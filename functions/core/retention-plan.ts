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
import { rankOldestFirst } from './retention-order.js';

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
  const { maxDeleteFraction, nowMs } = checkedInput(input);
  const { points } = input;
  const createdMs = creationTimes(points);
  const order = rankOldestFirst((index) => points[index]!.id, createdMs);
  const reasons = new RankedReasons(points.length);
  const managedCount = walkNewestFirst(input, order, createdMs, nowMs, reasons);
  const maxAgeMs = (input.rules.maxAgeDays ?? 0) * msPerDay;
  const decisions = decide(points, order, reasons, (index) => createdMs[index]! + maxAgeMs);
  let deleted = 0;
  for (const decision of decisions) if (decision.action === 'delete') deleted++;
  const blockedByFraction = !input.force && deleted > maxDeleteFraction * managedCount;
  if (blockedByFraction) {
    keepDeletions(decisions, `fraction limit ${formatPercent(maxDeleteFraction)}`);
    deleted = 0;
  }
  return { decisions, kept: points.length - deleted, deleted, blockedByFraction };
}

function checkedInput(input: RetentionPlanInput): { maxDeleteFraction: number; nowMs: number } {
  const maxDeleteFraction = input.maxDeleteFraction ?? defaultMaxDeleteFraction;
  if (!(maxDeleteFraction >= 0 && maxDeleteFraction <= 1)) {
    throw new InvalidInputError(
      `maxDeleteFraction must be between 0 and 1, got ${String(maxDeleteFraction)}`,
    );
  }
  const nowMs = input.now.getTime();
  if (Number.isNaN(nowMs)) throw new InvalidInputError('now is not a valid date');
  return { maxDeleteFraction, nowMs };
}

/** Epoch milliseconds per point, in input order (a typed array: a million points is 8 MB). */
function creationTimes(points: readonly RetentionCandidate[]): Float64Array {
  const createdMs = new Float64Array(points.length);
  for (let index = 0; index < points.length; index++) {
    const parsed = parseInstant(points[index]!.createdAt);
    // A point whose creation time cannot be read ranks oldest and is kept by a rail below.
    createdMs[index] = Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
  }
  return createdMs;
}

/**
 * Reasons by rank, held only for the ranks that have some (a few in a long history): the rails'
 * (which always keep) apart from the rules' (which maxAgeDays overrides); and a flag per rank for
 * the points older than maxAgeDays.
 */
class RankedReasons {
  readonly rails = new Map<number, string[]>();
  readonly rules = new Map<number, string[]>();
  /** 1 where maxAgeDays lets the point go. */
  readonly expired: Uint8Array;

  constructor(count: number) {
    this.expired = new Uint8Array(count);
  }

  addRail(rank: number, reason: string): void {
    add(this.rails, rank, reason);
  }

  addRule(rank: number, reason: string): void {
    add(this.rules, rank, reason);
  }
}

function add(reasons: Map<number, string[]>, rank: number, reason: string): void {
  const list = reasons.get(rank);
  if (list) list.push(reason);
  else reasons.set(rank, [reason]);
}

/**
 * Applies the rails and the rules to every point, newest first (so each tier meets a period's
 * newest point first), into `reasons`. Returns how many points this product manages.
 */
function walkNewestFirst(
  input: RetentionPlanInput,
  order: Uint32Array,
  createdMs: Float64Array,
  nowMs: number,
  reasons: RankedReasons,
): number {
  const { points, rules } = input;
  const calendar = localCalendar(input.timezone);
  const tiers = activeTiers(rules);
  const keepLast = rules.keepLast ?? 0;
  const minAgeMs = (rules.minAgeDays ?? 0) * msPerDay;
  const maxAgeMs = rules.maxAgeDays ? rules.maxAgeDays * msPerDay : Number.POSITIVE_INFINITY;
  let newestAvailable = -1;
  let newestVerified = -1;
  let eligibleSeen = 0;
  let managedCount = 0;
  for (let rank = points.length - 1; rank >= 0; rank--) {
    const index = order[rank]!;
    const point = points[index]!;
    const created = createdMs[index]!;
    if (point.managedByUs) managedCount++;
    addRails(point, created, rank, reasons);

    // Only what could be restored counts toward the rules: a failed or foreign point protects nothing.
    const eligible = point.managedByUs && point.state === 'available' && Number.isFinite(created);
    if (!eligible) continue;
    if (newestAvailable < 0) newestAvailable = rank;
    if (newestVerified < 0 && point.verified) newestVerified = rank;

    if (eligibleSeen < keepLast) reasons.addRule(rank, `keepLast ${keepLast}`);
    eligibleSeen++;
    if (tiers.length > 0) addTiers(tiers, calendar.localDay(created), rank, reasons);

    const age = nowMs - created;
    if (age < minAgeMs) reasons.addRule(rank, `minAgeDays ${rules.minAgeDays ?? 0}`);
    if (age > maxAgeMs) reasons.expired[rank] = 1;
  }
  if (newestVerified >= 0) reasons.addRail(newestVerified, 'newest verified');
  else if (newestAvailable >= 0)
    reasons.addRail(newestAvailable, 'newest available (none verified)');
  return managedCount;
}

/** Keeps the point at `rank` for each tier whose period (of its local day) has no newer point. */
function addTiers(tiers: Tier[], localDay: number, rank: number, reasons: RankedReasons): void {
  for (const tier of tiers) {
    if (tier.seen.size >= tier.periods) continue;
    const period = tier.periodOf(localDay);
    if (period === tier.lastPeriod || tier.seen.has(period)) continue;
    // Walking newest first, the first point met in a period is that period's newest.
    tier.seen.add(period);
    tier.lastPeriod = period;
    reasons.addRule(rank, `${tier.name} ${tier.label(period)}`);
  }
}

/**
 * A rail keeps whatever else holds; then maxAgeDays deletes; then any rule keeps. Deletions
 * share their reasons: one frozen list for "kept by no rule" and one per expiry day, so a
 * million deletions hold no million lists (a consumer that writes to one throws).
 */
function decide(
  points: readonly RetentionCandidate[],
  order: Uint32Array,
  reasons: RankedReasons,
  expiresAtMs: (index: number) => number,
): RetentionDecision[] {
  const decisions: RetentionDecision[] = new Array<RetentionDecision>(points.length);
  const noRule = shared([noRuleKeeps]);
  const expiredOn = new Map<number, string[]>();
  for (let rank = 0; rank < points.length; rank++) {
    const index = order[rank]!;
    const id = points[index]!.id;
    const rails = reasons.rails.get(rank);
    const kept = reasons.rules.get(rank);
    if (rails) {
      decisions[rank] = { id, action: 'keep', reasons: kept ? [...rails, ...kept] : rails };
    } else if (reasons.expired[rank]) {
      const day = Math.floor(expiresAtMs(index) / msPerDay);
      let expired = expiredOn.get(day);
      if (!expired) expiredOn.set(day, (expired = shared([`expired ${dayLabel(day)}`])));
      decisions[rank] = { id, action: 'delete', reasons: expired };
    } else if (kept) {
      decisions[rank] = { id, action: 'keep', reasons: kept };
    } else {
      decisions[rank] = { id, action: 'delete', reasons: noRule };
    }
  }
  return decisions;
}

/** The fraction limit keeps every point the plan would delete, saying so first. */
function keepDeletions(decisions: RetentionDecision[], limit: string): void {
  // Deletions share their reasons (decide above), so the kept ones share theirs too.
  const prefixed = new Map<string[], string[]>();
  for (const decision of decisions) {
    if (decision.action !== 'delete') continue;
    decision.action = 'keep';
    let reasons = prefixed.get(decision.reasons);
    if (!reasons) prefixed.set(decision.reasons, (reasons = shared([limit, ...decision.reasons])));
    decision.reasons = reasons;
  }
}

/** A reasons list many decisions hold: frozen, so writing to it throws instead of changing them all. */
function shared(reasons: string[]): string[] {
  return Object.freeze(reasons) as string[];
}

/** The rails: reasons to keep a point that no rule or configuration can override. */
function addRails(
  point: RetentionCandidate,
  created: number,
  rank: number,
  reasons: RankedReasons,
): void {
  if (!point.managedByUs) reasons.addRail(rank, 'not managed by this product');
  if (point.state !== 'available') reasons.addRail(rank, `not available (${point.state})`);
  if (!Number.isFinite(created)) reasons.addRail(rank, `malformed createdAt="${point.createdAt}"`);
  if (point.locked) reasons.addRail(rank, 'locked');
  if (point.legalHold) reasons.addRail(rank, 'legal hold');
  if (point.backsImage) reasons.addRail(rank, 'backs a registered image');
  if (point.problems) for (const problem of point.problems) reasons.addRail(rank, problem);
  const tag = point.expiresAtTag;
  if (tag !== undefined && !isWellFormedExpiresAt(tag)) {
    reasons.addRail(rank, `malformed tag backup:expires-at="${tag}"`);
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

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}
