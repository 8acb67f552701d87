import { TagKeys, type Tags } from './tag-keys.js';

/** Why a resource's tags could not be taken at face value. Reported, never fatal to a run. */
export type TagProblem =
  | { kind: 'unknown-policy'; resourceId: string; policyName: string; message: string }
  | { kind: 'empty-policy-tag'; resourceId: string; message: string }
  | { kind: 'invalid-exclude-value'; resourceId: string; value: string; message: string };

export interface PolicyResolution {
  resourceId: string;
  /** Known policies the resource opted in to, in tag order, without duplicates; empty when excluded. */
  policies: string[];
  excluded: boolean;
  problems: TagProblem[];
}

/**
 * Reads `backup:policy` (space-separated names) and `backup:exclude` from a resource's tags.
 * Unknown names and malformed values become problems to report; they never stop a run.
 */
export function resolvePolicies(
  resourceId: string,
  tags: Tags,
  knownPolicies: ReadonlySet<string>,
): PolicyResolution {
  const problems: TagProblem[] = [];
  const rawPolicy = tags[TagKeys.policy];
  const named = [...new Set((rawPolicy ?? '').split(/\s+/).filter((name) => name.length > 0))];
  if (rawPolicy !== undefined && named.length === 0) {
    problems.push({
      kind: 'empty-policy-tag',
      resourceId,
      message: `${resourceId}: tag ${TagKeys.policy} is present but names no policy`,
    });
  }
  for (const policyName of named.filter((name) => !knownPolicies.has(name))) {
    problems.push({
      kind: 'unknown-policy',
      resourceId,
      policyName,
      message: `${resourceId}: tag ${TagKeys.policy} names unknown policy "${policyName}"; known: ${[...knownPolicies].join(', ') || '(none)'}`,
    });
  }
  const excluded = readExclude(resourceId, tags[TagKeys.exclude], problems);
  return {
    resourceId,
    policies: excluded ? [] : named.filter((name) => knownPolicies.has(name)),
    excluded,
    problems,
  };
}

function readExclude(
  resourceId: string,
  value: string | undefined,
  problems: TagProblem[],
): boolean {
  if (value === undefined) return false;
  const normalized = value.trim().toLowerCase();
  if (normalized === 'true') return true;
  if (normalized !== 'false') {
    // Only an explicit "true" opts out: a typo must not silently stop backups.
    problems.push({
      kind: 'invalid-exclude-value',
      resourceId,
      value,
      message: `${resourceId}: tag ${TagKeys.exclude} must be "true" or "false", got "${value}"; the resource is still backed up`,
    });
  }
  return false;
}
