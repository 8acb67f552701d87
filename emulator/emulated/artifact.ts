import { createHash } from 'node:crypto';

/** Size of the objects export and store tasks write, unless configured otherwise. */
export const DEFAULT_ARTIFACT_BYTES = 64 * 1024;

/**
 * The bytes an export or store task writes for an image: SHA-256 blocks of
 * `${imageId}:${n}` for n = 0, 1, 2..., cut to `bytes`. The same image always gives the
 * same object, so tests can check an artifact's checksum without reading moto's state.
 */
export function artifactBody(imageId: string, bytes = DEFAULT_ARTIFACT_BYTES): Buffer {
  const blocks: Buffer[] = [];
  for (let n = 0, size = 0; size < bytes; n++, size += 32)
    blocks.push(createHash('sha256').update(`${imageId}:${n}`).digest());
  return Buffer.concat(blocks).subarray(0, bytes);
}
