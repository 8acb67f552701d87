import type { DemoVolume } from '../../../emulator/demo-estate.js';
import { estimateVolumeBackupCost } from '../../../functions/core/cost-estimate.js';
import { dailyPolicy } from './demo-config.js';
import type { Snapshots } from './read-back.js';

/** Chapter 10: the monthly cost of backing up the volumes the first run snapshotted. */
export interface DemoCostEstimate {
  assumptions: string;
  volumes: ({ volumeId: string; sizeGiB: number } & ReturnType<typeof estimateVolumeBackupCost>)[];
}

export function estimateDemoCost(volumes: DemoVolume[], primary: Snapshots): DemoCostEstimate {
  const policy = dailyPolicy;
  return {
    assumptions: 'us-east-1 list prices; 2% of blocks change per daily run; full first snapshot',
    volumes: volumes
      .filter((volume) => primary.some((snapshot) => snapshot.volumeId === volume.volumeId))
      .map((volume) => ({
        volumeId: volume.volumeId,
        sizeGiB: volume.sizeGiB,
        ...estimateVolumeBackupCost({
          sizeGiB: volume.sizeGiB,
          changeRatePerRun: 0.02,
          runsPerMonth: 30,
          retention: policy.retention,
          copyRegions: policy.copyTo.map((target) => ({
            retention: target.retention ?? policy.retention,
          })),
        }),
      })),
  };
}
