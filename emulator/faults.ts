import { InvalidFaultRuleError } from './errors.js';
import type { AwsErrorSpec, StandardFault } from './error-responses.js';
import type { AwsCall } from './operation-name.js';
import { seededRandom } from './seeded-random.js';

export type FaultKind = StandardFault | 'timeout';

/**
 * When and how to fail calls. Unset filters match anything. Without nth, times or rate,
 * every matching call fails. `operation` may be `CreateSnapshot` or `ec2:CreateSnapshot`.
 */
export interface FaultRule {
  service?: string;
  operation?: string;
  region?: string;
  /** A standard fault, rendered as the service really answers it, or a custom error. */
  fault: FaultKind | AwsErrorSpec;
  /** Fail only the Nth matching call (1-based). */
  nth?: number;
  /** Fail the first N matching calls. */
  times?: number;
  /** Fail each eligible call with this probability (0..1), drawn from a seeded PRNG. */
  rate?: number;
  /** For 'timeout': how long to hold the request before dropping the connection. */
  timeoutMs?: number;
}

/** A rule as the injector tracks it. */
export interface FaultRuleState extends FaultRule {
  id: string;
  /** Calls this rule matched so far. */
  matched: number;
  /** Calls this rule failed so far. */
  injected: number;
}

const STANDARD_FAULTS: readonly string[] = ['throttle', 'http500', 'http503', 'timeout'];

/** Validates untrusted input (e.g. a JSON body from the control API) into a FaultRule. */
export function parseFaultRule(input: unknown): FaultRule {
  if (typeof input !== 'object' || input === null)
    throw new InvalidFaultRuleError('a fault rule must be an object');
  const raw = input as Record<string, unknown>;
  const rule: FaultRule = { fault: parseFault(raw.fault) };
  for (const key of ['service', 'operation', 'region'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') {
      throw new InvalidFaultRuleError(
        `fault rule ${key} must be a non-empty string, got ${JSON.stringify(value)}`,
      );
    }
    rule[key] = value;
  }
  if (rule.operation?.includes(':')) {
    const [service = '', operation = ''] = rule.operation.split(':', 2);
    if (rule.service !== undefined && rule.service !== service) {
      throw new InvalidFaultRuleError(
        `fault rule operation ${rule.operation} contradicts service ${rule.service}`,
      );
    }
    rule.service = service;
    rule.operation = operation;
  }
  for (const key of ['nth', 'times', 'timeoutMs'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new InvalidFaultRuleError(
        `fault rule ${key} must be a positive integer, got ${JSON.stringify(value)}`,
      );
    }
    rule[key] = value;
  }
  if (rule.nth !== undefined && rule.times !== undefined) {
    throw new InvalidFaultRuleError('fault rule takes nth or times, not both');
  }
  if (raw.rate !== undefined) {
    if (typeof raw.rate !== 'number' || !(raw.rate >= 0 && raw.rate <= 1)) {
      throw new InvalidFaultRuleError(
        `fault rule rate must be a number from 0 to 1, got ${JSON.stringify(raw.rate)}`,
      );
    }
    rule.rate = raw.rate;
  }
  return rule;
}

function parseFault(fault: unknown): FaultKind | AwsErrorSpec {
  if (typeof fault === 'string') {
    if (STANDARD_FAULTS.includes(fault)) return fault as FaultKind;
    throw new InvalidFaultRuleError(
      `fault must be one of ${STANDARD_FAULTS.join(', ')} or {status, code, message}, got "${fault}"`,
    );
  }
  if (typeof fault === 'object' && fault !== null) {
    const { status, code, message } = fault as Record<string, unknown>;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new InvalidFaultRuleError(
        `fault status must be an HTTP error status (400-599), got ${JSON.stringify(status)}`,
      );
    }
    if (typeof code !== 'string' || code === '') {
      throw new InvalidFaultRuleError(
        `fault code must be a non-empty string, got ${JSON.stringify(code)}`,
      );
    }
    if (typeof message !== 'string') {
      throw new InvalidFaultRuleError(
        `fault message must be a string, got ${JSON.stringify(message)}`,
      );
    }
    return { status, code, message };
  }
  throw new InvalidFaultRuleError(`fault rule needs a fault, got ${JSON.stringify(fault)}`);
}

/**
 * Holds fault rules and decides, call by call, whether one fires. Every rule counts
 * every call it matches (so nth/times mean the same whatever other rules exist); the
 * first rule, in the order added, that is due fires.
 */
export class FaultInjector {
  private rules: FaultRuleState[] = [];
  private nextId = 1;
  private random: () => number;

  constructor(private readonly seed = 1) {
    this.random = seededRandom(seed);
  }

  add(input: unknown): string {
    const rule = parseFaultRule(input);
    const id = `fault-${this.nextId++}`;
    this.rules.push({ ...rule, id, matched: 0, injected: 0 });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length < before;
  }

  /** Drops every rule and restarts the PRNG, so a rerun injects the same faults. */
  clear(): void {
    this.rules = [];
    this.random = seededRandom(this.seed);
  }

  list(): FaultRuleState[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** The rule that fails this call, if any. */
  pick(call: AwsCall): FaultRuleState | undefined {
    let chosen: FaultRuleState | undefined;
    for (const rule of this.rules) {
      if (!matches(rule, call)) continue;
      rule.matched++;
      if (chosen === undefined && this.due(rule)) chosen = rule;
    }
    if (chosen !== undefined) chosen.injected++;
    return chosen;
  }

  private due(rule: FaultRuleState): boolean {
    if (rule.nth !== undefined && rule.matched !== rule.nth) return false;
    if (rule.times !== undefined && rule.matched > rule.times) return false;
    return rule.rate === undefined || this.random() < rule.rate;
  }
}

function matches(rule: FaultRule, call: AwsCall): boolean {
  return (
    (rule.service === undefined || rule.service === call.service) &&
    (rule.operation === undefined || rule.operation === call.operation) &&
    (rule.region === undefined || rule.region === call.region)
  );
}
