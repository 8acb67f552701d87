import { jest } from '@jest/globals';
import { handler } from '../../functions/handlers/summarize-run.js';
import { localContext } from '../../statemachines/local/lambda-context.js';

describe('summarize-run handler', () => {
  it('returns the summary and publishes the run metrics as EMF with the Policy dimension', async () => {
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        written.push(chunk.toString());
        return true;
      });
    try {
      const summary = await handler(
        {
          run: {
            runId: 'run-1',
            policyName: 'daily',
            primaryRegion: 'us-east-1',
            startedAt: '2026-11-22T03:00:00.000Z',
            expiresAt: 'never',
            copyTargets: [],
            pacing: {},
          },
          discovery: {
            optedIn: 2,
            selected: 2,
            excluded: [],
            tagProblems: [],
            tagProblemCount: 3,
            failures: [],
          },
          imageResults: [],
          volumeResults: [
            {
              batchIndex: 0,
              volumeIds: ['vol-1', 'vol-2'],
              recoveryPoints: [{ id: 'snap-1', region: 'us-east-1', sourceId: 'vol-1' }],
              failures: [
                {
                  sourceId: 'vol-2',
                  stage: 'snapshot',
                  region: 'us-east-1',
                  name: 'VolumeNotFoundError',
                  message: 'gone',
                },
              ],
            },
          ],
        } as never,
        localContext('SummarizeRun'),
      );
      expect(summary).toMatchObject({ runId: 'run-1', outcome: 'partial', snapshotsCreated: 1 });
    } finally {
      spy.mockRestore();
    }
    const emf = written
      .map((line) => JSON.parse(line))
      .find((document) => document._aws?.CloudWatchMetrics);
    expect(emf).toMatchObject({
      Policy: 'daily',
      SnapshotsCreated: 1,
      SnapshotsFailed: 1,
      TagProblems: 3,
      VolumesFailed: 1,
    });
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('BackupOrchestrator');
  });

  it('rejects a malformed event before doing anything', async () => {
    await expect(handler({ run: {} } as never, localContext('SummarizeRun'))).rejects.toMatchObject(
      { name: 'ParseError' },
    );
  });
});
