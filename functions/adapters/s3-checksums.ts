import type { ObjectChecksum } from '../ports/object-store.js';

/** Checksum fields S3 returns, by algorithm name. */
const checksumFields = {
  CRC64NVME: 'ChecksumCRC64NVME',
  CRC32C: 'ChecksumCRC32C',
  CRC32: 'ChecksumCRC32',
  SHA256: 'ChecksumSHA256',
  SHA1: 'ChecksumSHA1',
} as const;
type Algorithm = keyof typeof checksumFields;

/** CRC checksums of a multipart object can be full-object; SHA ones are composite. */
export const fullObjectCapable = new Set(['CRC64NVME', 'CRC32C', 'CRC32']);

/** The checksum an S3 answer carries (the preferred algorithm's first), whole-object or composite. */
export function checksumOf(
  output: Partial<Record<(typeof checksumFields)[Algorithm], string>> & { ChecksumType?: string },
  preferred?: string,
): ObjectChecksum | undefined {
  const order = (preferred && preferred in checksumFields ? [preferred] : []).concat(
    Object.keys(checksumFields),
  ) as Algorithm[];
  for (const algorithm of order) {
    const value = output[checksumFields[algorithm]];
    if (value) {
      const type =
        output.ChecksumType === 'COMPOSITE' || value.includes('-') ? 'COMPOSITE' : 'FULL_OBJECT';
      return { algorithm, value, type };
    }
  }
  return undefined;
}
