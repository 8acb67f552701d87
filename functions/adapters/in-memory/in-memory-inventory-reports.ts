import type { InventoryReport, InventoryReports } from '../../ports/inventory-reports.js';

/** Inventory reports for tests: each bucket's keys in the given (unsorted) order, split into files. */
export class InMemoryInventoryReports implements InventoryReports {
  readonly filesRead: string[] = [];
  private readonly reports = new Map<
    string,
    { report: InventoryReport; files: Map<string, string[]> }
  >();

  deliver(
    sourceBucket: string,
    keys: readonly string[],
    keysPerFile = 1000,
    createdAt = '2026-11-21T00:00:00.000Z',
  ): void {
    const files = new Map<string, string[]>();
    for (let start = 0; start < keys.length; start += keysPerFile)
      files.set(
        `inventory/${sourceBucket}/data/${files.size}.csv.gz`,
        keys.slice(start, start + keysPerFile),
      );
    this.reports.set(sourceBucket, {
      report: {
        sourceBucket,
        createdAt,
        destinationBucket: 'inventory',
        // Sizes stand for bytes: proportional to the keys a file holds, as gzip CSV roughly is.
        files: [...files].map(([key, fileKeys]) => ({ key, size: fileKeys.length * 50 })),
        columns: ['Bucket', 'Key', 'Size'],
      },
      files,
    });
  }

  async latestReport(sourceBucket: string): Promise<InventoryReport | undefined> {
    return structuredClone(this.reports.get(sourceBucket)?.report);
  }

  async *keysIn(report: InventoryReport, fileKey: string): AsyncIterable<string> {
    this.filesRead.push(fileKey);
    yield* this.reports.get(report.sourceBucket)?.files.get(fileKey) ?? [];
  }
}
