import { KeySample } from '../core/key-sample.js';
import type { InventoryReport, InventoryReports } from '../ports/inventory-reports.js';

export interface InventorySample {
  report: InventoryReport;
  /** The sampled keys, sorted. */
  keys: string[];
  /** Keys in the whole report: counted, or extrapolated by bytes when time ran out. */
  estimatedKeys: number;
  filesRead: number;
}

/**
 * Reads a bucket's newest inventory report into a bounded sample of its keys. Files are read in
 * turn until `hasTime` says stop; the key count is then extrapolated from the bytes read, which
 * is enough for cutting ranges (they only need to be roughly even).
 */
export async function sampleInventory(
  reports: InventoryReports,
  sourceBucket: string,
  sampleSize: number,
  hasTime: () => boolean,
): Promise<InventorySample | undefined> {
  if (!hasTime()) return undefined;
  const report = await reports.latestReport(sourceBucket);
  if (!report || report.files.length === 0) return undefined;
  const sample = new KeySample(sampleSize);
  let bytesRead = 0;
  let filesRead = 0;
  let outOfTime = false;
  for (const file of report.files) {
    if (filesRead > 0 && !hasTime()) break;
    let keysInFile = 0;
    for await (const key of reports.keysIn(report, file.key)) {
      sample.add(key);
      // A file can hold millions of keys: time is checked while it is read, not only between files.
      if (++keysInFile % 10_000 === 0 && !hasTime()) {
        outOfTime = true;
        break;
      }
    }
    // A file cut short counts whole: the estimate then runs low, which only widens the ranges.
    bytesRead += file.size;
    filesRead += 1;
    if (outOfTime) break;
  }

  const totalBytes = report.files.reduce((sum, file) => sum + file.size, 0);
  const estimatedKeys =
    filesRead === report.files.length || bytesRead === 0
      ? sample.count
      : Math.round((sample.count * totalBytes) / bytesRead);
  return { report, keys: sample.sortedKeys(), estimatedKeys, filesRead };
}
