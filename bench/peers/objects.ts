/**
 * The benchmark's source bucket: N small objects with deterministic keys and bodies. Keys are
 * varied the way real buckets are (nested prefixes, spaces, `+`, unicode, deep paths), which
 * also exercises every tool's key encoding on listing and in `x-amz-copy-source`.
 */
import { createHash } from 'node:crypto';

const KEY_SHAPES: ((i: number, id: string) => string)[] = [
  (i, id) => `data/${2020 + (i % 5)}/${String(1 + (i % 12)).padStart(2, '0')}/part-${id}.json`,
  (i, id) => `logs/app server ${i % 7}/run ${id}.log`,
  (i, id) => `a+b/c+d ${i % 3}/item+${id}.txt`,
  (i, id) => `données/été ${i % 4}/fichier-${id}.csv`,
  (i, id) => `日本語/フォルダ${i % 5}/ファイル-${id}.bin`,
  (i, id) => `deep/${i % 2}/${i % 3}/${i % 5}/${i % 7}/leaf-${id}`,
  (_i, id) => `top-level-${id}`,
  (i, id) => `mixed/ü+ñ é/${i % 9}/k ${id}+v.dat`,
];

/** The N keys, in the order they were generated (not key order). */
export function objectKeys(count: number): string[] {
  const width = String(Math.max(count - 1, 0)).length;
  return Array.from({ length: count }, (_, i) =>
    KEY_SHAPES[i % KEY_SHAPES.length]!(i, String(i).padStart(width, '0')),
  );
}

const MIN_BYTES = 64;
const MAX_BYTES = 512;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Deterministic body of `generation` of `key`, 64 to 512 bytes. */
export function objectBody(key: string, generation: number, size?: number): Buffer {
  const seed = digest(`${key}#${generation}`);
  const length = size ?? MIN_BYTES + (seed.readUInt16BE(0) % (MAX_BYTES - MIN_BYTES + 1));
  const blocks: Buffer[] = [];
  for (let n = 0; blocks.length * 32 < length; n++)
    blocks.push(digest(`${key}#${generation}#${n}`));
  return Buffer.concat(blocks).subarray(0, length);
}

export interface Change {
  key: string;
  body: Buffer;
  sameSize: boolean;
}

/**
 * The changed 1% (`fraction`): every k-th key, rewritten with new content. Half keep their
 * size (so a size-only comparison misses them), half change it.
 */
export function changes(keys: string[], fraction: number): Change[] {
  const wanted = Math.max(1, Math.round(keys.length * fraction));
  const stride = Math.max(1, Math.floor(keys.length / wanted));
  const picked: Change[] = [];
  for (let i = stride - 1; i < keys.length && picked.length < wanted; i += stride) {
    const key = keys[i]!;
    const before = objectBody(key, 0).length;
    const sameSize = picked.length % 2 === 0;
    const size = sameSize ? before : before === MAX_BYTES ? before - 1 : before + 1;
    picked.push({ key, body: objectBody(key, 1, size), sameSize });
  }
  return picked;
}

/** Keys of the multipart-sized objects: their own prefix, with a space and a `+` to encode. */
export function largeKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `large/blob ${i}+x.bin`);
}

/**
 * Deterministic body of `size` bytes for a multipart-sized object: a 64 KiB block of `key`'s
 * generation, each copy stamped with its offset so no two blocks (and no two parts) are equal.
 */
export function largeBody(key: string, generation: number, size: number): Buffer {
  const block = objectBody(key, generation, 64 * 1024);
  const body = Buffer.allocUnsafe(size);
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(body, offset);
    if (offset + 8 <= size) body.writeDoubleBE(offset, offset);
  }
  return body;
}

/** Every large object rewritten with new content: half keep their size, half grow by 1 MiB. */
export function largeChanges(keys: string[], sizeBytes: number): Change[] {
  return keys.map((key, index) => {
    const sameSize = index % 2 === 0;
    return { key, body: largeBody(key, 1, sameSize ? sizeBytes : sizeBytes + 2 ** 20), sameSize };
  });
}

/**
 * Rewrites with the same bytes (so the same ETag, a newer LastModified) of `fraction` of the
 * keys, none of them among `changes(keys, fraction)`: what a `touch` or a re-upload does.
 */
export function touches(keys: string[], fraction: number): Change[] {
  const changed = new Set(changes(keys, fraction).map((change) => change.key));
  const wanted = Math.max(1, Math.round(keys.length * fraction));
  const stride = Math.max(1, Math.floor(keys.length / wanted));
  const picked: Change[] = [];
  for (let i = Math.floor(stride / 2); i < keys.length && picked.length < wanted; i += stride) {
    const key = keys[i]!;
    if (!changed.has(key)) picked.push({ key, body: objectBody(key, 0), sameSize: true });
  }
  return picked;
}
