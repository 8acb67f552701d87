import { InvalidInputError } from '../core/errors.js';

/** BACKUP_BUCKETS: a JSON object of region to backup bucket name, set by the stack. */
export function backupBucketsFromEnvironment(): Record<string, string> {
  const raw = process.env.BACKUP_BUCKETS;
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, string>;
  } catch {
    // reported below
  }
  throw new InvalidInputError(
    `BACKUP_BUCKETS must be a JSON object of region to bucket name, got ${raw}`,
  );
}
