import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { RestoreLab } from '../ports/restore-lab.js';
import { awsClientConfig } from './aws-client-config.js';
import { Ec2RestoreCleanup } from './ec2-restore-cleanup.js';
import { Ec2RestoreLaunch } from './ec2-restore-launch.js';
import { Ec2RestoreVerdictTags } from './ec2-restore-verdict-tags.js';
import { Ec2SsmRestoreObservation } from './ec2-ssm-restore-observation.js';

/**
 * The restore-test lab on EC2 and SSM in one region: its four ports (functions/ports/restore-lab.ts)
 * over one EC2 client and one SSM client.
 */
export function ec2SsmRestoreLab(
  region: string,
  clients: { ec2?: EC2Client; ssm?: SSMClient } = {},
): RestoreLab {
  const shared = {
    ec2: clients.ec2 ?? new EC2Client(awsClientConfig(region)),
    ssm: clients.ssm ?? new SSMClient(awsClientConfig(region)),
  };
  return {
    launcher: new Ec2RestoreLaunch(region, shared),
    observer: new Ec2SsmRestoreObservation(region, shared),
    cleanup: new Ec2RestoreCleanup(region, shared),
    verdictTags: new Ec2RestoreVerdictTags(region, shared),
  };
}
