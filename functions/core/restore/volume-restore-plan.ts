import type { VolumeRestoreRequest } from './restore-request.js';
import type { RestoreProblem } from './restore-errors.js';

/**
 * What a volume restore asks EBS for, and the per-type rules it must meet (the EBS volume-type
 * limits as documented for CreateVolume). Pure: the preflight (functions/steps/restore/
 * volume-preflight.ts) and the CreateRestoredVolume step both decide through it, so what the
 * preflight accepts is exactly what the step creates.
 */
export type VolumeType = NonNullable<VolumeRestoreRequest['target']['volumeType']>;

export interface VolumeSpec {
  volumeType: VolumeType;
  sizeGiB: number;
  iops?: number;
  throughputMiBps?: number;
}

interface TypeLimits {
  minSizeGiB: number;
  maxSizeGiB: number;
  /** Absent: the type takes no IOPS setting. */
  iops?: { min: number; max: number; perGiB?: number; defaultIops?: number };
  /** Absent: the type takes no throughput setting. */
  throughput?: { min: number; max: number; maxPerIops: number };
}

export const volumeTypeLimits: Readonly<Record<VolumeType, TypeLimits>> = {
  gp3: {
    minSizeGiB: 1,
    maxSizeGiB: 16_384,
    iops: { min: 3_000, max: 16_000 },
    throughput: { min: 125, max: 1_000, maxPerIops: 0.25 },
  },
  gp2: { minSizeGiB: 1, maxSizeGiB: 16_384 },
  io1: {
    minSizeGiB: 4,
    maxSizeGiB: 16_384,
    iops: { min: 100, max: 64_000, perGiB: 50, defaultIops: 3_000 },
  },
  io2: {
    minSizeGiB: 4,
    maxSizeGiB: 65_536,
    iops: { min: 100, max: 256_000, perGiB: 500, defaultIops: 3_000 },
  },
  st1: { minSizeGiB: 125, maxSizeGiB: 16_384 },
  sc1: { minSizeGiB: 125, maxSizeGiB: 16_384 },
  standard: { minSizeGiB: 1, maxSizeGiB: 1_024 },
};

/** gp3 when the request names no type: the current general-purpose default of EBS. */
export const defaultVolumeType: VolumeType = 'gp3';

/**
 * The volume a request asks for, given the snapshot's size: the type (default gp3), the size
 * (default the snapshot's), and for io1/io2 without IOPS a default that the size allows (3,000,
 * or as many as the per-GiB ratio permits, at least the type's minimum).
 */
export function resolveVolumeSpec(
  target: VolumeRestoreRequest['target'],
  snapshotSizeGiB: number,
): VolumeSpec {
  const volumeType = target.volumeType ?? defaultVolumeType;
  const sizeGiB = target.sizeGiB ?? snapshotSizeGiB;
  const limits = volumeTypeLimits[volumeType].iops;
  const iops =
    target.iops ??
    (limits?.defaultIops !== undefined && limits.perGiB !== undefined
      ? Math.max(limits.min, Math.min(limits.defaultIops, limits.perGiB * sizeGiB))
      : undefined);
  return {
    volumeType,
    sizeGiB,
    ...(iops !== undefined ? { iops } : {}),
    ...(target.throughputMiBps !== undefined ? { throughputMiBps: target.throughputMiBps } : {}),
  };
}

/** Every rule the spec breaks, by request field; none when EBS would accept it. */
export function volumeSpecProblems(spec: VolumeSpec, snapshotSizeGiB: number): RestoreProblem[] {
  const limits = volumeTypeLimits[spec.volumeType];
  const problems: RestoreProblem[] = [];
  if (spec.sizeGiB < snapshotSizeGiB) {
    problems.push(
      problem(
        'target.sizeGiB',
        'size-below-snapshot',
        `sizeGiB ${spec.sizeGiB} is below the snapshot's ${snapshotSizeGiB} GiB`,
      ),
    );
  }
  if (spec.sizeGiB < limits.minSizeGiB || spec.sizeGiB > limits.maxSizeGiB) {
    problems.push(
      problem(
        'target.sizeGiB',
        'size-out-of-range',
        `a ${spec.volumeType} volume is ${limits.minSizeGiB}-${limits.maxSizeGiB} GiB, not ${spec.sizeGiB}`,
      ),
    );
  }
  problems.push(...iopsProblems(spec, limits), ...throughputProblems(spec, limits));
  return problems;
}

function iopsProblems(spec: VolumeSpec, limits: TypeLimits): RestoreProblem[] {
  if (spec.iops === undefined) return [];
  if (!limits.iops) {
    return [
      problem(
        'target.iops',
        'iops-not-supported',
        `a ${spec.volumeType} volume takes no iops setting (got ${spec.iops})`,
      ),
    ];
  }
  const { min, max, perGiB } = limits.iops;
  const problems: RestoreProblem[] = [];
  if (spec.iops < min || spec.iops > max) {
    problems.push(
      problem(
        'target.iops',
        'iops-out-of-range',
        `${spec.volumeType} iops are ${min}-${max}, not ${spec.iops}`,
      ),
    );
  }
  if (perGiB !== undefined && spec.iops > perGiB * spec.sizeGiB) {
    problems.push(
      problem(
        'target.iops',
        'iops-above-size-ratio',
        `${spec.volumeType} allows at most ${perGiB} iops per GiB: ${spec.iops} iops need at least ${Math.ceil(spec.iops / perGiB)} GiB, not ${spec.sizeGiB}`,
      ),
    );
  }
  return problems;
}

function throughputProblems(spec: VolumeSpec, limits: TypeLimits): RestoreProblem[] {
  if (spec.throughputMiBps === undefined) return [];
  const throughput = spec.throughputMiBps;
  if (!limits.throughput) {
    return [
      problem(
        'target.throughputMiBps',
        'throughput-not-supported',
        `a ${spec.volumeType} volume takes no throughput setting (got ${throughput})`,
      ),
    ];
  }
  const { min, max, maxPerIops } = limits.throughput;
  const problems: RestoreProblem[] = [];
  if (throughput < min || throughput > max) {
    problems.push(
      problem(
        'target.throughputMiBps',
        'throughput-out-of-range',
        `${spec.volumeType} throughput is ${min}-${max} MiB/s, not ${throughput}`,
      ),
    );
  }
  // gp3 without iops runs at its baseline, the minimum: the ratio holds against that.
  const iops = spec.iops ?? limits.iops?.min ?? 0;
  if (throughput > maxPerIops * iops) {
    problems.push(
      problem(
        'target.throughputMiBps',
        'throughput-above-iops-ratio',
        `${spec.volumeType} throughput may be at most ${maxPerIops} MiB/s per iops: ${throughput} MiB/s needs at least ${Math.ceil(throughput / maxPerIops)} iops, not ${iops}`,
      ),
    );
  }
  return problems;
}

function problem(path: string, code: string, message: string): RestoreProblem {
  return { path, code, message };
}
