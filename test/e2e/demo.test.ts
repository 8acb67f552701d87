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
    // Restores through the API over HTTP, each to its end, what they made read back from moto.
    const { restores } = report;
    expect(restores.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(restores.volume).toMatchObject({
      status: 'COMPLETED',
      createdResources: [{ type: 'volume', id: expect.stringMatching(/^vol-/) }],
    });
    expect(restores.instance).toMatchObject({
      status: 'COMPLETED',
      verification: { passed: true },
      rtoSeconds: expect.any(Number),
      createdResources: [{ type: 'instance', id: expect.stringMatching(/^i-/) }],
    });
    expect(restores.objects).toMatchObject({ status: 'COMPLETED', errors: [] });
    expect(restores.readBack.volumes).toContain(restores.volume.createdResources[0].id);
    expect(restores.readBack.runningInstances).toEqual([restores.instance.createdResources[0].id]);
    expect(restores.readBack.restoredKeys).toBeGreaterThanOrEqual(20);
    expect(restores.readBack.restoredKeys).toBe(restores.objects.progress.done);
    // Requests per restore: EC2's DryRun of the create in the preflight, then the create itself.
    expect(restores.measured.volume.byOperation['ec2:CreateVolume']).toBe(2);
    expect(restores.measured.instance.byOperation['ec2:RunInstances']).toBe(2);
    expect(restores.measured.objects.byOperation['s3:CopyObject']).toBe(
      restores.objects.progress.done,
    );
    // Prune: us-west-2 keeps daily 7, one point per day, so the older of the two runs goes there;
    // us-east-1 keeps the last 3, so nothing goes there.
    expect(report.prune.summary).toMatchObject({
      outcome: 'succeeded',
      deleted: 4,
      failures: [],
      totals: { snapshotsDeleted: 2, imagesDeregistered: 1, bucketRunsExpired: 1 },
    });
    const decisions = report.prune.plan.flatMap(
      (region: { region: string; decisions: { action: string }[] }) =>
        region.decisions.map((decision) => `${region.region} ${decision.action}`),
    );
    expect(decisions.filter((decision: string) => decision.endsWith('delete'))).toEqual(
      Array(4).fill('us-west-2 delete'),
    );
    expect(report.prune.drSnapshotCopiesOfFirstRunLeft).toBe(0);
    expect(report.costEstimate.volumes).toHaveLength(2);
  });
});
