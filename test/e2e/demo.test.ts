import { runCli } from '../support/run-cli.js';

describe('backupctl demo', () => {
  it('runs the story on its own emulator and reports what the cloud holds', async () => {
    const result = await runCli(['demo', '--json'], { AWS_ENDPOINT_URL: undefined });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.run).toMatchObject({
      outcome: 'succeeded',
      snapshotsCreated: 2,
      copiesCreated: 2,
      tagProblemCount: 1,
    });
    expect(report.readBack.primary).toHaveLength(2);
    expect(report.readBack.copies).toHaveLength(2);
    expect(report.readBack.images).toHaveLength(1);
    expect(report.readBack.imageCopies).toHaveLength(1);
    // One export per backup run: the first run and the next day's.
    expect(report.readBack.artifacts).toEqual([
      { key: expect.stringMatching(/\.vmdk$/), sizeBytes: expect.any(Number) },
      { key: expect.stringMatching(/\.vmdk$/), sizeBytes: expect.any(Number) },
    ]);
    // Per run: 2 snapshots + 2 copies + image + image copy + export + bucket copy; two runs.
    expect(report.readBack.catalogEntries).toBe(16);
    expect(report.run.bucketCopies).toMatchObject({ copied: 24, verified: 24, failed: 0 });
    expect(report.rerun.summary.bucketCopies).toMatchObject({ copied: 0, kept: 24 });
    expect(report.nextDay).toMatchObject({
      copyObjectCalls: 3,
      listPages: 2,
      bucketCopies: { copied: 3, kept: 22 },
    });
    expect(report.rerun).toMatchObject({
      createSnapshotCalls: 0,
      copySnapshotCalls: 0,
      createImageCalls: 0,
      exportImageCalls: 0,
    });
    expect(report.restoreTest).toMatchObject({ outcome: 'passed', passed: 1, failed: 0 });
    expect(report.restoreTest.results[0].rtoSeconds).toEqual(expect.any(Number));
    expect(report.costEstimate.volumes).toHaveLength(2);
  });
});
