/** One delivered S3 Inventory report of a bucket (CSV), as its manifest.json describes it. */
export interface InventoryReport {
  sourceBucket: string;
  /** When S3 began the scan that produced the report (ISO-8601). */
  createdAt: string;
  destinationBucket: string;
  /** The report's data files (gzip CSV) in the destination bucket, with their sizes in bytes. */
  files: { key: string; size: number }[];
  /** Column names, in order (`Bucket, Key, Size, ...`). */
  columns: string[];
}

/**
 * S3 Inventory reports. They are up to a day or more old and their files hold keys in no
 * particular order, so the bucket copy uses them to learn a bucket's key distribution, never as
 * the list of what to copy.
 */
export interface InventoryReports {
  /** The newest CSV report of an enabled, unfiltered inventory of the bucket; undefined without one. */
  latestReport(sourceBucket: string): Promise<InventoryReport | undefined>;
  /** The keys one data file of the report lists, in no particular order. */
  keysIn(report: InventoryReport, fileKey: string): AsyncIterable<string>;
}
