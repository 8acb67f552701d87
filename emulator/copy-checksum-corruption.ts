import type { AwsCall } from './operation-name.js';

/**
 * `corruptCopyChecksums(times)`: the next `times` CopyObject answers carry checksums that
 * cannot match the source's, so tests can see the bucket copy's verification catch them.
 */
export class CopyChecksumCorruption {
  private left = 0;

  arm(times: number): void {
    this.left = times;
  }

  reset(): void {
    this.left = 0;
  }

  /** The rewrite for this call's answer, using up one corruption; undefined: none applies. */
  take(call: AwsCall): ((xml: string) => string) | undefined {
    if (this.left <= 0 || call.service !== 's3' || call.operation !== 'CopyObject')
      return undefined;
    this.left -= 1;
    return corruptChecksums;
  }
}

/** Replaces every checksum value in a CopyObject answer with one that cannot match. */
function corruptChecksums(xml: string): string {
  return xml.replace(
    /<(Checksum(?:CRC32|CRC32C|CRC64NVME|SHA1|SHA256))>([^<]*)<\/\1>/g,
    (_match, element: string, value: string) =>
      `<${element}>${value.startsWith('AAAA') ? 'BBBB' : 'AAAA'}${value.slice(4)}</${element}>`,
  );
}
