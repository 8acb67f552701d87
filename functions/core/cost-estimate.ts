import type { Retention } from './config.js';

/** List prices the estimate uses; callers may pass their region's. */
export interface SnapshotPrices {
  /** EBS snapshot storage, standard tier, per GiB-month. */
  storagePerGiBMonth: number;
  /** Data transfer between regions, per GiB. */
  interRegionTransferPerGiB: number;
}

/** us-east-1 list prices (EBS snapshots $0.05/GB-month; inter-region transfer $0.02/GB). */
export const usEast1Prices: SnapshotPrices = {
  storagePerGiBMonth: 0.05,
  interRegionTransferPerGiB: 0.02,
};

export interface VolumeCostInput {
  sizeGiB: number;
  /** Share of the volume's blocks that change between two runs (incremental snapshots store only those). */
  changeRatePerRun: number;
  runsPerMonth: number;
  retention: Retention;
  copyRegions: { retention: Retention }[];
}

export interface CostEstimate {
  monthlyStorage: number;
  monthlyTransfer: number;
  firstCopyTransfer: number;
  monthlyTotal: number;
}

/**
 * The most points retention can hold at once: the tiers' counts added up (a point kept by two
 * tiers counts once in reality, so this is an upper bound).
 */
export function maxRetainedPoints(retention: Retention): number {
  const counted =
    (retention.keepLast ?? 0) +
    (retention.daily ?? 0) +
    (retention.weekly ?? 0) +
    (retention.monthly ?? 0) +
    (retention.yearly ?? 0);
  return Math.max(1, counted);
}

/**
 * Monthly cost of one volume's snapshots in steady state: a full first snapshot plus one
 * increment per further retained point, in the primary region and each copy region, plus the
 * increments shipped to copy regions each month. EBS stores only written blocks, so the full
 * size is an upper bound.
 */
export function estimateVolumeBackupCost(
  input: VolumeCostInput,
  prices: SnapshotPrices = usEast1Prices,
): CostEstimate {
  const increment = input.sizeGiB * input.changeRatePerRun;
  const storedGiB = (retention: Retention) =>
    input.sizeGiB + increment * (maxRetainedPoints(retention) - 1);
  const monthlyStorage =
    prices.storagePerGiBMonth *
    (storedGiB(input.retention) +
      input.copyRegions.reduce((sum, copy) => sum + storedGiB(copy.retention), 0));
  const monthlyTransfer =
    prices.interRegionTransferPerGiB * increment * input.runsPerMonth * input.copyRegions.length;
  const firstCopyTransfer =
    prices.interRegionTransferPerGiB * input.sizeGiB * input.copyRegions.length;
  return {
    monthlyStorage: round(monthlyStorage),
    monthlyTransfer: round(monthlyTransfer),
    firstCopyTransfer: round(firstCopyTransfer),
    monthlyTotal: round(monthlyStorage + monthlyTransfer),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
