import { randomBytes } from 'node:crypto';
import { InvalidInputError } from '../functions/core/errors.js';

/** Step Functions execution names: 1-80 of letters, digits, "-" and "_". */
const runIdPattern = /^[A-Za-z0-9_-]{1,80}$/;

export function newRunId(policy: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${policy}-${stamp}-${randomBytes(3).toString('hex')}`.slice(0, 80);
}

export function checkRunId(runId: string): string {
  if (!runIdPattern.test(runId)) {
    throw new InvalidInputError(
      `--run-id must be 1-80 letters, digits, "-" or "_" (a Step Functions execution name), got "${runId}"`,
    );
  }
  return runId;
}
