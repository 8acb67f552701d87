import { estimateVolumeBackupCost, maxRetainedPoints } from '../../functions/core/cost-estimate.js';

describe('estimateVolumeBackupCost', () => {
  it('prices a full first snapshot plus retained increments, per region, and the monthly transfer', () => {
    const estimate = estimateVolumeBackupCost({
      sizeGiB: 100,
      changeRatePerRun: 0.02,
      runsPerMonth: 30,
      retention: { daily: 7 },
      copyRegions: [{ retention: { daily: 3 } }],
    });
    // primary: 100 + 2 * 6 = 112 GiB; copy: 100 + 2 * 2 = 104 GiB; 216 * 0.05 = 10.80
    // transfer: 2 GiB * 30 runs * 0.02 = 1.20; first copy: 100 * 0.02 = 2.00
    expect(estimate).toEqual({
      monthlyStorage: 10.8,
      monthlyTransfer: 1.2,
      firstCopyTransfer: 2,
      monthlyTotal: 12,
    });
  });

  it('counts retained points as the sum of the tiers, at least one', () => {
    expect(maxRetainedPoints({ keepLast: 3, daily: 7, weekly: 4, monthly: 12 })).toBe(26);
    expect(maxRetainedPoints({ maxAgeDays: 30 })).toBe(1);
  });
});
