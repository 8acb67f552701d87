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
    expect(report.readBack.artifacts).toEqual([
      { key: expect.stringMatching(/\.vmdk$/), sizeBytes: expect.any(Number) },
    ]);
    // 2 snapshots + 2 copies + image + image copy + export
    expect(report.readBack.catalogEntries).toBe(7);
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
