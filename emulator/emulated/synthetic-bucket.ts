import { createHash } from 'node:crypto';
import { InvalidTestCloudSettingError } from '../errors.js';

/**
 * Synthetic buckets: S3 buckets of millions of objects that exist only as a deterministic
 * generator, so the product's real listing, copy and manifest path can be measured at sizes
 * moto cannot hold (emulator/README.md, "Synthetic buckets"). Object i of a bucket, at a
 * generation g, is worked out from (name, i, g) alone; nothing is stored per object.
 */

/** Names of synthetic buckets start with this; moto never sees a request for one. */
export const SYNTHETIC_BUCKET_PREFIX = 'synthetic-';
export const MAX_SYNTHETIC_OBJECTS = 100_000_000;
/** Every generation rewrites one key in this many (1%), a different one each generation. */
export const DEFAULT_CHANGE_EVERY = 100;

/** What a test declares (defineSyntheticBucket). */
export interface SyntheticBucketSpec {
  /** Starts with `synthetic-`. */
  name: string;
  /** How many keys the bucket lists (1 to 100,000,000). */
  objects: number;
  /** The bucket's state: each generation after 0 rewrites one key in `changeEvery`. Default 0. */
  generation?: number;
  /** Default 100 (1% of the keys per generation). */
  changeEvery?: number;
  /**
   * Copies of every key, as of `generation`, held in the (real, moto) bucket `bucket` under
   * `<name>/`: its ListObjectsV2 with a Prefix under `<name>/` is answered from the generator.
   */
  copies?: { bucket: string; generation: number };
}

/** A definition with its defaults filled in, and what was done with it. */
export interface SyntheticBucketState extends Required<Omit<SyntheticBucketSpec, 'copies'>> {
  copies?: { bucket: string; generation: number };
  /** CopyObject calls from this bucket answered (acknowledged; nothing is written). */
  copiesAcknowledged: number;
}

/** One object as the generator makes it. */
export interface SyntheticObject {
  key: string;
  size: number;
  /** Quoted, as S3 lists it. */
  etag: string;
  lastModified: Date;
  versionId: string;
  /** CRC64NVME, full-object, base64: a stand-in for the content's checksum. */
  checksum: string;
}

/** Generation 0 objects were written before this; generation g's rewrites on day g after it. */
const EPOCH = Date.parse('2026-01-01T00:00:00.000Z');
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Key i: fixed width (so index order is S3 order), with a space, `&` and non-ASCII in it. */
export function syntheticKey(index: number): string {
  const directory = String(Math.floor(index / 10_000)).padStart(4, '0');
  return `d${directory}/données & co/obj-${String(index).padStart(9, '0')}.bin`;
}

const KEY_PATTERN = /^d(\d{4})\/données & co\/obj-(\d{9})\.bin$/;

/** The index of a generated key, or undefined when `key` is not one of the first `objects`. */
export function syntheticIndexOf(key: string, objects: number): number | undefined {
  const match = KEY_PATTERN.exec(key);
  if (match === null) return undefined;
  const index = Number(match[2]);
  return index < objects && syntheticKey(index) === key ? index : undefined;
}

/** How many of generations 1..g rewrote key i (key i is rewritten when (i + g) % every is 0). */
export function versionOf(index: number, generation: number, every: number): number {
  const first = (every - (index % every)) % every || every;
  return generation < first ? 0 : Math.floor((generation - first) / every) + 1;
}

/** The generation whose rewrite made version v (v ≥ 1) of key i. */
function generationOfVersion(index: number, version: number, every: number): number {
  const first = (every - (index % every)) % every || every;
  return first + (version - 1) * every;
}

function digest(...parts: (string | number)[]): Buffer {
  return createHash('sha256').update(parts.join('\n')).digest();
}

/** Object i of the bucket at generation g: one digest gives its ETag, version id and checksum. */
export function syntheticObject(
  bucket: SyntheticBucketState,
  index: number,
  generation = bucket.generation,
): SyntheticObject {
  const key = syntheticKey(index);
  const version = versionOf(index, generation, bucket.changeEvery);
  const hash = digest(bucket.name, key, version);
  return {
    key,
    // Versions alternate between a resize and a same-size rewrite.
    size: 1024 + (index % 1021) + Math.ceil(version / 2),
    etag: `"${hash.toString('hex', 0, 16)}"`,
    lastModified: new Date(
      version === 0
        ? EPOCH - (index % 3600) * 1000
        : EPOCH + generationOfVersion(index, version, bucket.changeEvery) * DAY_MS,
    ),
    versionId: hash.toString('hex', 16, 32),
    checksum: hash.toString('base64', 24, 32),
  };
}

const CHECKSUM_BYTES: Record<string, number> = {
  CRC64NVME: 8,
  CRC32C: 4,
  CRC32: 4,
  SHA1: 20,
  SHA256: 32,
};

/** A deterministic stand-in for the content's checksum in `algorithm` (base64). */
export function syntheticChecksum(
  algorithm: string,
  bucket: string,
  key: string,
  version: number,
): string {
  if (algorithm === 'CRC64NVME') return digest(bucket, key, version).toString('base64', 24, 32);
  const bytes = CHECKSUM_BYTES[algorithm] ?? 8;
  return digest(algorithm, bucket, key, version).toString('base64', 0, bytes);
}

export function isChecksumAlgorithm(name: string): boolean {
  return name in CHECKSUM_BYTES;
}

/** The copy of object i under `<name>/` in the copies' bucket, as the listing shows it. */
export function syntheticCopy(bucket: SyntheticBucketState, index: number): SyntheticObject {
  const generation = bucket.copies?.generation ?? 0;
  const source = syntheticObject(bucket, index, generation);
  const key = `${bucket.name}/${source.key}`;
  const copy = copyOf(bucket.copies?.bucket ?? '', key, source.etag);
  // The copy was written an hour after generation g, before the next generation's rewrites.
  return { ...source, ...copy, key, lastModified: new Date(EPOCH + generation * DAY_MS + HOUR_MS) };
}

/**
 * A copy's ETag (quoted; not the source's, as with SSE-KMS) and version id: the same for the same
 * target and source, so declared copies and acknowledged ones agree.
 */
export function copyOf(
  targetBucket: string,
  targetKey: string,
  sourceEtag: string,
): { etag: string; versionId: string } {
  const hash = digest('copy', targetBucket, targetKey, sourceEtag);
  return { etag: `"${hash.toString('hex', 0, 16)}"`, versionId: hash.toString('hex', 16, 32) };
}

/** The synthetic buckets the test cloud answers for. */
export class SyntheticBuckets {
  private readonly buckets = new Map<string, SyntheticBucketState>();

  /** Declares a bucket, or replaces its declaration (counters start again). */
  define(spec: SyntheticBucketSpec): SyntheticBucketState {
    const state = checkedSpec(spec);
    this.buckets.set(state.name, state);
    return { ...state };
  }

  get(name: string | undefined): SyntheticBucketState | undefined {
    return name === undefined ? undefined : this.buckets.get(name);
  }

  /** Whether a name is a synthetic bucket's (declared or not: moto never gets those). */
  static isSyntheticName(name: string | undefined): boolean {
    return name?.startsWith(SYNTHETIC_BUCKET_PREFIX) === true;
  }

  /** The declaration whose copies live in `bucket` under the listing's prefix, if any. */
  copiesListedBy(bucket: string, prefix: string): SyntheticBucketState | undefined {
    for (const state of this.buckets.values())
      if (state.copies?.bucket === bucket && prefix.startsWith(`${state.name}/`)) return state;
    return undefined;
  }

  list(): SyntheticBucketState[] {
    return [...this.buckets.values()].map((state) => ({ ...state }));
  }

  clear(): void {
    this.buckets.clear();
  }
}

const SPEC_FIELDS = new Set(['name', 'objects', 'generation', 'changeEvery', 'copies']);

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidTestCloudSettingError(
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  return value;
}

function checkedSpec(spec: SyntheticBucketSpec): SyntheticBucketState {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new InvalidTestCloudSettingError('a synthetic bucket must be a JSON object');
  const unknown = Object.keys(spec).filter((field) => !SPEC_FIELDS.has(field));
  if (unknown.length > 0)
    throw new InvalidTestCloudSettingError(
      `unknown synthetic bucket field(s): ${unknown.join(', ')}`,
    );
  const { name, copies } = spec;
  if (typeof name !== 'string' || !/^synthetic-[a-z0-9][a-z0-9.-]{0,52}$/.test(name))
    throw new InvalidTestCloudSettingError(
      `name must be a bucket name starting with ${SYNTHETIC_BUCKET_PREFIX}, got ${JSON.stringify(name)}`,
    );
  const state: SyntheticBucketState = {
    name,
    objects: wholeNumber(spec.objects, 'objects', 1, MAX_SYNTHETIC_OBJECTS),
    generation: wholeNumber(spec.generation ?? 0, 'generation', 0, 1_000_000),
    changeEvery: wholeNumber(spec.changeEvery ?? DEFAULT_CHANGE_EVERY, 'changeEvery', 1, 1e9),
    copiesAcknowledged: 0,
  };
  if (copies === undefined) return state;
  if (typeof copies !== 'object' || copies === null || typeof copies.bucket !== 'string')
    throw new InvalidTestCloudSettingError('copies must be { bucket, generation }');
  if (SyntheticBuckets.isSyntheticName(copies.bucket))
    throw new InvalidTestCloudSettingError('copies.bucket must be a real (moto) bucket');
  const generation = wholeNumber(copies.generation, 'copies.generation', 0, state.generation);
  return { ...state, copies: { bucket: copies.bucket, generation } };
}
