import type { DemoEstates } from './estate.js';
import { runRestoreTest } from '../../run-restore-test.js';
import { catalogTable, demoConfig } from './demo-config.js';

export type DemoRestoreTest = Awaited<ReturnType<typeof runRestoreTest>>['summary'];

/** Chapter 7: the restore test boots the newest image in the estate's isolated network. */
export async function runDemoRestoreTest(
  network: DemoEstates['instanceEstate']['network'],
): Promise<DemoRestoreTest> {
  const restore = await runRestoreTest({
    config: demoConfig,
    policyName: 'daily',
    runId: 'demo-restore-1',
    local: true,
    catalogTable,
    network: {
      subnetId: network.subnetId,
      securityGroupIds: network.securityGroupId,
      instanceProfile: network.instanceProfile,
    },
    options: { firstPollSeconds: 1, maxPollSeconds: 2 },
  });
  return restore.summary;
}
