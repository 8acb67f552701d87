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
    expect(report.readBack.catalogEntries).toBe(4);
    expect(report.rerun).toMatchObject({ createSnapshotCalls: 0, copySnapshotCalls: 0 });
    expect(report.costEstimate.volumes).toHaveLength(2);
  });
});
