import { InvalidInputError } from './errors.js';
import type { RestoreNetwork } from './run-state/restore-test-run.js';

/** The environment variables through which the stack hands the isolated test network over. */
export const RestoreNetworkVariables = {
  subnetId: 'RESTORE_TEST_SUBNET_ID',
  securityGroupIds: 'RESTORE_TEST_SECURITY_GROUP_ID',
  instanceProfile: 'RESTORE_TEST_INSTANCE_PROFILE',
} as const;

/**
 * Reads the test network from an environment; every missing or malformed variable is named in
 * one InvalidInputError, before anything is launched. RESTORE_TEST_SECURITY_GROUP_ID may list
 * several groups separated by commas.
 */
export function restoreNetworkFrom(env: Record<string, string | undefined>): RestoreNetwork {
  const problems: string[] = [];
  const read = (name: string, pattern: RegExp, what: string): string => {
    const value = env[name]?.trim() ?? '';
    if (value === '') problems.push(`${name} is not set (${what})`);
    else if (!pattern.test(value)) problems.push(`${name} must be ${what}, got "${value}"`);
    return value;
  };
  const subnetId = read(RestoreNetworkVariables.subnetId, /^subnet-[0-9a-f]+$/, 'a subnet id');
  const groups = read(
    RestoreNetworkVariables.securityGroupIds,
    /^sg-[0-9a-f]+(\s*,\s*sg-[0-9a-f]+)*$/,
    'security group ids separated by commas',
  );
  const instanceProfile = read(
    RestoreNetworkVariables.instanceProfile,
    /^(arn:aws[a-z-]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]+|[\w+=,.@-]{1,128})$/,
    'an instance profile name or ARN',
  );
  if (problems.length > 0) {
    throw new InvalidInputError(
      `the restore-test network is not configured: ${problems.join('; ')}`,
    );
  }
  return {
    subnetId,
    securityGroupIds: groups.split(',').map((group) => group.trim()),
    instanceProfile,
  };
}
