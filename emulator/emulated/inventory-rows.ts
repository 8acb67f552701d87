import { seededRandom } from '../seeded-random.js';
import type { InventoryEntry } from './inventory-listing.js';

/** The optional fields the emulation can fill from moto's listings. */
const OPTIONAL_FIELDS: Record<string, (entry: InventoryEntry) => string> = {
  Size: (e) => (e.isDeleteMarker === true ? '' : String(e.size ?? 0)),
  LastModifiedDate: (e) => e.lastModified?.toISOString() ?? '',
  ETag: (e) => (e.eTag ?? '').replaceAll('"', ''),
  StorageClass: (e) => (e.isDeleteMarker === true ? '' : (e.storageClass ?? 'STANDARD')),
  IsMultipartUploaded: (e) =>
    e.isDeleteMarker === true ? '' : String(/-\d+$/.test((e.eTag ?? '').replaceAll('"', ''))),
  ChecksumAlgorithm: (e) => e.checksumAlgorithm ?? '',
};

/** The optional fields the test cloud emulates, in the README's order. */
export const EMULATED_OPTIONAL_FIELDS: readonly string[] = Object.keys(OPTIONAL_FIELDS);

export function isEmulatedOptionalField(field: string): boolean {
  return OPTIONAL_FIELDS[field] !== undefined;
}

/** What a report's rows hold, from its configuration. */
export interface RowShape {
  sourceBucket: string;
  configurationId: string;
  /** IncludedObjectVersions `All`: version id, latest and delete-marker columns. */
  allVersions: boolean;
  optionalFields: readonly string[];
}

/** The report's columns (the manifest's fileSchema). */
export function inventoryColumns(shape: RowShape): string[] {
  return [
    'Bucket',
    'Key',
    ...(shape.allVersions ? ['VersionId', 'IsLatest', 'IsDeleteMarker'] : []),
    ...shape.optionalFields,
  ];
}

/**
 * One CSV row per entry, shuffled on purpose: S3 promises no key order, and the product
 * must not rely on one. Seeded by `{sourceBucket}/{configurationId}`, so the same listing
 * gives the same order on every run.
 */
export function inventoryRows(entries: readonly InventoryEntry[], shape: RowShape): string[] {
  const rows = entries.map((entry) =>
    csvRow([
      shape.sourceBucket,
      inventoryKey(entry.key),
      ...(shape.allVersions
        ? [
            entry.versionId === undefined || entry.versionId === 'null' ? '' : entry.versionId,
            String(entry.isLatest === true),
            String(entry.isDeleteMarker === true),
          ]
        : []),
      ...shape.optionalFields.map((field) => OPTIONAL_FIELDS[field]?.(entry) ?? ''),
    ]),
  );
  return shuffled(rows, `${shape.sourceBucket}/${shape.configurationId}`);
}

/**
 * A key as inventory CSV writes it: URL-encoded, form style. Assumed (AWS documents only
 * "URL-encoded"): `encodeURIComponent`, then `%20` written `+`, so a literal `+` is `%2B`.
 */
export function inventoryKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%20', '+');
}

/** Every field double-quoted, comma-separated, `\n`-terminated; no header. */
function csvRow(fields: string[]): string {
  return `${fields.map((field) => `"${field.replaceAll('"', '""')}"`).join(',')}\n`;
}

/** A seeded shuffle (the same rows give the same order), never left in key order. */
function shuffled(rows: string[], seed: string): string[] {
  const random = seededRandom(fnv1a(seed));
  const out = [...rows];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = out[i] as string;
    out[i] = out[j] as string;
    out[j] = swap;
  }
  if (out.length > 1 && out.every((row, i) => row === rows[i])) out.push(out.shift() as string);
  return out;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}
