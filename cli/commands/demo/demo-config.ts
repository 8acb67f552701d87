import { parseConfig } from '../../../functions/core/config.js';

/** The demo's configuration: a daily policy with a DR copy, an image export and restore tests. */
export const demoConfig = parseConfig({
  primaryRegion: 'us-east-1',
  // The isolated network's profile (emulator/isolated-network.ts): the instance restore uses it.
  restore: { instanceProfiles: ['restore-test-profile'] },
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { keepLast: 3, daily: 7, weekly: 4, monthly: 12 },
      copyTo: [
        {
          region: 'us-west-2',
          retention: { daily: 7 },
          bucket: 'backup-orchestrator-backup-demo-us-west-2',
        },
      ],
      image: { noReboot: true, export: { format: 'VMDK' } },
      restoreTest: { schedule: 'cron(0 6 ? * SUN *)', timeoutMinutes: 15 },
    },
    weekly: {
      schedule: 'cron(0 4 ? * SAT *)',
      timezone: 'Europe/Berlin',
      retention: { weekly: 8 },
    },
  },
});
export const dailyPolicy = demoConfig.policies.daily!;
export const drRegion = dailyPolicy.copyTo[0]?.region ?? 'us-west-2';
export const catalogTable = 'backup-orchestrator-catalog';
export const exportBucket = 'backup-orchestrator-exports-demo';
export const sourceBucket = 'app-assets-demo';
export const backupBucket = 'backup-orchestrator-backup-demo-us-west-2';
/** The run the demo reads back and prunes. */
export const firstRunId = 'demo-daily-1';
