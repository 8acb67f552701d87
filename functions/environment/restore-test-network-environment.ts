import { environmentContract } from './environment-contract.js';
import { text, textList } from './environment-variables.js';

/**
 * The isolated network restore tests launch into, handed over by the stack
 * (infra/constructs/restore-test-network.ts). RESTORE_TEST_SECURITY_GROUP_ID may list several
 * groups separated by commas.
 */
export const restoreTestNetworkEnvironment = environmentContract('the restore-test network', {
  subnetId: text('RESTORE_TEST_SUBNET_ID', 'a subnet id', /^subnet-[0-9a-f]+$/),
  securityGroupIds: textList(
    'RESTORE_TEST_SECURITY_GROUP_ID',
    'security group ids separated by commas',
    /^sg-[0-9a-f]+$/,
  ),
  instanceProfile: text(
    'RESTORE_TEST_INSTANCE_PROFILE',
    'an instance profile name or ARN',
    /^(arn:aws[a-z-]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]+|[\w+=,.@-]{1,128})$/,
  ),
});
