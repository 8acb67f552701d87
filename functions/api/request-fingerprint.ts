import { createHash } from 'node:crypto';
import type { RestoreRequest } from '../core/restore/restore-request.js';

/**
 * sha256 of the parsed request in a canonical form (keys sorted at every level): the
 * Idempotency-Key's fingerprint, so the same body sent with other spacing or key order is the
 * same request, and any other value is another.
 */
export function requestFingerprint(request: RestoreRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
