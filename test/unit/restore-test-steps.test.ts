import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import {
  InMemoryRestoreLab,
  type GuestProfile,
} from '../../functions/adapters/in-memory/in-memory-restore-lab.js';
import { parseConfig } from '../../functions/core/config.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import type {
  PickRestoreCandidatesResult,
  RestoreBatchState,
  RestoreRunContext,
} from '../../functions/core/run-state/restore-test-run.js';
import { ThrottledError } from '../../functions/ports/errors/aws-request-errors.js';
import { cleanUpRestoreBatch } from '../../functions/steps/clean-up-restore-batch.js';
import { pickRestoreCandidates } from '../../functions/steps/pick-restore-candidates.js';
import {
  evidenceText,
  recordRestoreVerdicts,
} from '../../functions/steps/record-restore-verdicts.js';
import {
  restoreTestMetrics,
  summarizeRestoreTest,
} from '../../functions/steps/summarize-restore-test.js';
import { testRestores } from '../../functions/steps/test-restores.js';
import {
  isLeftover,
  sweepRestoreLeftovers,
} from '../../functions/steps/sweep-restore-leftovers.js';

const config = parseConfig({
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'rate(1 day)',
      retention: { daily: 7 },
      restoreTest: { schedule: 'cron(0 6 ? * SUN *)', timeoutMinutes: 10 },
    },
  },
});
const network = {
  subnetId: 'subnet-0a',
  securityGroupIds: ['sg-0a'],
  instanceProfile: 'restore-test',
};
const unpaced = <T>(call: () => Promise<T>) => call();
const started = Date.parse('2026-11-22T06:00:00.000Z');

/** A clock the loop moves by the Wait the ASL would have made. */
class FakeClock {
  ms = started;
  now = () => new Date(this.ms);
}

function imagePoint(imageId: string, sourceId: string): RecoveryPoint {
  return {
    id: imageId,
    kind: 'image',
    sourceId,
    region: 'us-east-1',
    policy: 'daily',
    runId: 'backup-run',
    createdAt: '2026-11-22T03:00:00.000Z',
    expiresAt: 'never',
    state: 'available',
  };
}

async function estate(profiles: Record<string, GuestProfile>) {
  const lab = new InMemoryRestoreLab();
  const catalog = new InMemoryRecoveryPointCatalog();
  let n = 0;
  for (const [imageId, profile] of Object.entries(profiles)) {
    lab.addImage(imageId, profile);
    await catalog.put([imagePoint(imageId, `i-${String(++n).padStart(4, '0')}`)]);
  }
  return { lab, catalog };
}

async function pick(
  catalog: InMemoryRecoveryPointCatalog,
  runId = 'rt-1',
  options = {},
): Promise<PickRestoreCandidatesResult> {
  return pickRestoreCandidates(
    {
      request: { policyName: 'daily', config, options },
      executionName: runId,
      executionStartTime: new Date(started).toISOString(),
    },
    catalog,
    network,
  );
}

async function loop(
  lab: InMemoryRestoreLab,
  picked: PickRestoreCandidatesResult,
  clock = new FakeClock(),
) {
  const batch = picked.batches[0]!;
  const deps = { ...lab.ports(), pace: unpaced, hasTime: () => true, clock: clock.now };
  let state: RestoreBatchState = await testRestores({ run: picked.run, ...batch }, deps);
  let turns = 1;
  while (!state.loop.settled) {
    clock.ms += state.loop.nextPollSeconds * 1000;
    state = await testRestores(state, deps);
    turns += 1;
    if (turns > 200) throw new Error('the loop does not settle');
  }
  return { state, turns };
}

describe('restore-test steps (in-memory lab)', () => {
  it('judges each image for its real reason, measures the RTO of passes, and terminates every machine', async () => {
    const { lab, catalog } = await estate({
      'ami-healthy': {
        agent: 'online',
        selfCheck: 'healthy',
        onlineAfterPolls: 2,
        commandPendingPolls: 1,
        pendingPolls: 1,
      },
      'ami-no-agent': {
        agent: 'never',
        selfCheck: 'healthy',
        consoleOutput: 'kernel: ok\nsshd started\n',
      },
      'ami-wrong-ip': { agent: 'online', selfCheck: 'wrong-ip' },
      'ami-stops': {
        agent: 'online',
        selfCheck: 'healthy',
        boot: 'stops',
        consoleOutput: 'Kernel panic - not syncing',
      },
      'ami-impaired': { agent: 'online', selfCheck: 'healthy', boot: 'impaired' },
    });
    const picked = await pick(catalog);
    expect(picked.batches).toHaveLength(1);
    expect(picked.run).toMatchObject({ timeoutSeconds: 600, instanceType: 't3.micro', network });
    const { state, turns } = await loop(lab, picked);

    const verdicts = Object.fromEntries(state.items.map((item) => [item.imageId, item.verdict]));
    expect(verdicts['ami-healthy']).toMatchObject({ outcome: 'passed' });
    // Launched at 06:00:00; turns at +0, +15, +37, +71, +101 s... the pass lands on a poll.
    expect(verdicts['ami-healthy']?.rtoSeconds).toBeGreaterThan(0);
    expect(verdicts['ami-healthy']?.rtoSeconds).toBeLessThanOrEqual(150);
    expect(verdicts['ami-no-agent']).toMatchObject({
      outcome: 'agent-never-online',
      evidence: {
        consoleExcerpt: 'kernel: ok\nsshd started\n',
        facts: { instanceState: 'running' },
      },
    });
    expect(verdicts['ami-no-agent']?.rtoSeconds).toBeUndefined();
    expect(verdicts['ami-wrong-ip']).toMatchObject({
      outcome: 'network-self-check-failed',
      evidence: {
        failedChecks: [expect.stringContaining('"192.168.77.10"')],
        guestReport: expect.stringContaining('"ip":"192.168.77.10"'),
      },
    });
    expect(verdicts['ami-stops']).toMatchObject({
      outcome: 'image-not-bootable',
      reason: expect.stringContaining('Client.InstanceInitiatedShutdown'),
      evidence: { consoleExcerpt: 'Kernel panic - not syncing' },
    });
    expect(verdicts['ami-impaired']).toMatchObject({ outcome: 'status-checks-impaired' });
    expect(state.items.every((item) => item.status === 'done' && item.terminated)).toBe(true);

    // One call per question per turn, not per machine.
    expect(lab.calls.describeInstances).toBe(turns);
    expect(lab.calls.launch).toBe(5);
    expect(lab.calls.sendSelfCheck).toBeLessThan(turns);
    // Nothing left running, no volume, no interface.
    expect(await lab.findTestInstances()).toEqual([]);
    expect(await lab.findTestVolumes()).toEqual([]);
    expect(await lab.findTestNetworkInterfaces()).toEqual([]);

    const launch = lab.launches[0]!;
    expect(launch).toMatchObject({
      instanceType: 't3.micro',
      subnetId: 'subnet-0a',
      securityGroupIds: ['sg-0a'],
      instanceProfile: 'restore-test',
      tags: {
        'backup:managed-by': 'backup-orchestrator',
        'backup:policy': 'daily',
        'backup:restore-test-run': 'rt-1',
        'backup:restore-test-of': launch.imageId,
        'backup:restore-test-deadline': new Date(started + (600 + 600) * 1000).toISOString(),
      },
    });

    const recorded = await recordRestoreVerdicts(state, { verdictTags: lab, catalog });
    expect(recorded.results.map((result) => [result.imageId, result.outcome])).toEqual([
      ['ami-healthy', 'passed'],
      ['ami-no-agent', 'agent-never-online'],
      ['ami-wrong-ip', 'network-self-check-failed'],
      ['ami-stops', 'image-not-bootable'],
      ['ami-impaired', 'status-checks-impaired'],
    ]);
    const rto = verdicts['ami-healthy']?.rtoSeconds;
    expect(lab.images.get('ami-healthy')?.tags).toEqual({
      'backup:restore-test-verdict': 'passed',
      'backup:restore-test-rto-seconds': String(rto),
      'backup:restore-tested-at': verdicts['ami-healthy']?.decidedAt,
    });
    expect(lab.images.get('ami-no-agent')?.tags['backup:restore-test-verdict']).toBe(
      'agent-never-online',
    );
    expect((await catalog.get('ami-healthy'))?.restoreTest).toEqual({
      verdict: 'passed',
      outcome: 'passed',
      runId: 'rt-1',
      rtoSeconds: rto,
      testedAt: verdicts['ami-healthy']?.decidedAt,
      evidence: expect.any(String),
    });
    const failed = (await catalog.get('ami-wrong-ip'))?.restoreTest;
    expect(failed).toMatchObject({ verdict: 'failed', outcome: 'network-self-check-failed' });
    expect(JSON.parse(failed?.evidence ?? '{}')).toMatchObject({
      reason: expect.stringContaining('network self-check failed'),
      guestReport: expect.any(String),
    });

    const summary = summarizeRestoreTest(
      {
        run: picked.run,
        selection: picked.selection,
        batchResults: [recorded],
        sweep: {
          terminatedInstances: [],
          deletedVolumes: [],
          deletedNetworkInterfaces: [],
          problems: [],
        },
      },
      new Date(started + 600_000),
    );
    expect(summary).toMatchObject({
      outcome: 'failed',
      passed: 1,
      failed: 4,
      durationSeconds: 600,
    });
    expect(restoreTestMetrics(summary)).toEqual([
      { name: 'RestoreTestsPassed', unit: 'Count', value: 1 },
      { name: 'RestoreTestsFailed', unit: 'Count', value: 4 },
      { name: 'RestoreTestRto', unit: 'Seconds', value: rto },
    ]);
  });

  it('a repeated turn adopts the machines it launched instead of launching again', async () => {
    const { lab, catalog } = await estate({ 'ami-a': { agent: 'never', selfCheck: 'healthy' } });
    const picked = await pick(catalog);
    const deps = { ...lab.ports(), pace: unpaced, hasTime: () => true, clock: new FakeClock().now };
    const input = { run: picked.run, ...picked.batches[0]! };
    const first = await testRestores(input, deps);
    const again = await testRestores(input, deps);
    expect(lab.instances.size).toBe(1);
    expect(again.items[0]?.instanceId).toBe(first.items[0]?.instanceId);
  });

  it('throttled launches stay queued and go out on a later turn; a refused image fails alone', async () => {
    const { lab, catalog } = await estate({ 'ami-a': { agent: 'online', selfCheck: 'healthy' } });
    await catalog.put([imagePoint('ami-gone', 'i-9999')]);
    lab.failNext.launch.push(new ThrottledError('RunInstances', 'RequestLimitExceeded'));
    const picked = await pick(catalog);
    const { state } = await loop(lab, picked);
    const byImage = Object.fromEntries(state.items.map((item) => [item.imageId, item]));
    expect(byImage['ami-a']).toMatchObject({ launchAttempts: 2, verdict: { outcome: 'passed' } });
    expect(byImage['ami-gone']).toMatchObject({
      status: 'done',
      verdict: {
        outcome: 'launch-failed',
        reason: expect.stringContaining('InvalidAMIID.NotFound'),
      },
    });
  });

  it('a launch throttled past maxLaunchAttempts fails that image as launch-failed', async () => {
    const { lab, catalog } = await estate({ 'ami-a': { agent: 'online', selfCheck: 'healthy' } });
    for (let i = 0; i < 3; i += 1)
      lab.failNext.launch.push(new ThrottledError('RunInstances', 'slow down'));
    const { state } = await loop(lab, await pick(catalog, 'rt-1', { maxLaunchAttempts: 3 }));
    expect(state.items[0]?.verdict).toMatchObject({
      outcome: 'launch-failed',
      reason: expect.stringContaining('after 3 attempt(s): ThrottledError'),
    });
    expect(lab.instances.size).toBe(0);
  });

  it('the timeout counts the Waits too, so a local run that skips them still times out', async () => {
    const { lab, catalog } = await estate({ 'ami-a': { agent: 'never', selfCheck: 'healthy' } });
    const frozen = new FakeClock();
    const picked = await pick(catalog, 'rt-1', { timeoutSeconds: 60, firstPollSeconds: 10 });
    const deps = { ...lab.ports(), pace: unpaced, hasTime: () => true, clock: frozen.now };
    let state = await testRestores({ run: picked.run, ...picked.batches[0]! }, deps);
    while (!state.loop.settled) state = await testRestores(state, deps);
    expect(state.items[0]?.verdict).toMatchObject({ outcome: 'agent-never-online' });
    expect(state.loop.waitedSeconds).toBeGreaterThanOrEqual(60);
  });

  it('a sample tests only N images per run, never-tested sources first', async () => {
    const { catalog } = await estate({
      'ami-a': { agent: 'online', selfCheck: 'healthy' },
      'ami-b': { agent: 'online', selfCheck: 'healthy' },
    });
    const sampled = parseConfig({
      ...config,
      policies: {
        daily: { ...config.policies.daily!, restoreTest: { schedule: 'rate(7 days)', sample: 1 } },
      },
    });
    await catalog.put([
      {
        ...imagePoint('ami-a', 'i-0001'),
        restoreTest: { verdict: 'passed', testedAt: '2026-11-01T00:00:00.000Z' },
      },
    ]);
    const picked = await pickRestoreCandidates(
      {
        request: { policyName: 'daily', config: sampled },
        executionName: 'rt-s',
        executionStartTime: new Date(started).toISOString(),
      },
      catalog,
      network,
    );
    expect(picked.selection).toEqual({ candidates: 2, selected: 1, sample: 1 });
    expect(picked.batches[0]?.images.map((image) => image.imageId)).toEqual(['ami-b']);
  });

  it('a policy without restoreTest is refused before anything happens', async () => {
    const bare = parseConfig({
      primaryRegion: 'us-east-1',
      policies: { daily: { schedule: 'rate(1 day)', retention: { daily: 7 } } },
    });
    await expect(
      pickRestoreCandidates(
        {
          request: { policyName: 'daily', config: bare },
          executionName: 'x',
          executionStartTime: new Date(started).toISOString(),
        },
        new InMemoryRecoveryPointCatalog(),
        network,
      ),
    ).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringContaining('"daily" has no restoreTest'),
    });
  });

  it('the Catch path terminates what the failed batch launched, and only that', async () => {
    const { lab, catalog } = await estate({
      'ami-a': { agent: 'never', selfCheck: 'healthy' },
      'ami-b': { agent: 'never', selfCheck: 'healthy' },
    });
    const picked = await pick(catalog, 'rt-1', { batchSize: 1 });
    const deps = { ...lab.ports(), pace: unpaced, hasTime: () => true, clock: new FakeClock().now };
    for (const batch of picked.batches) await testRestores({ run: picked.run, ...batch }, deps);
    expect((await lab.findTestInstances('rt-1')).length).toBe(2);
    const failedBatch = picked.batches[0]!;
    const report = await cleanUpRestoreBatch(
      { run: picked.run, ...failedBatch, batchError: { Error: 'States.Timeout', Cause: 'late' } },
      lab,
    );
    expect(report.terminatedInstances).toHaveLength(1);
    const left = await lab.findTestInstances('rt-1');
    expect(left.map((instance) => instance.tags['backup:restore-test-of'])).toEqual([
      picked.batches[1]!.images[0]!.imageId,
    ]);
    const summary = summarizeRestoreTest(
      {
        run: picked.run,
        selection: picked.selection,
        batchResults: [report],
        sweep: { Error: 'X', Cause: '{"errorMessage":"boom"}' },
      },
      new Date(started),
    );
    expect(summary.results[0]).toMatchObject({
      outcome: 'not-tested',
      reason: expect.stringContaining('States.Timeout'),
    });
    expect(summary.sweep).toEqual({ error: 'X: boom' });
  });

  it("the sweeper removes this run's leftovers and other runs' past their deadline, nothing younger", async () => {
    const lab = new InMemoryRestoreLab();
    const run = { runId: 'rt-now' } as RestoreRunContext;
    const now = new Date(started);
    lab.addImage('ami-x');
    const launchFor = async (runId: string, deadline: string) =>
      (
        await lab.launch({
          imageId: 'ami-x',
          instanceType: 't3.micro',
          subnetId: 's',
          securityGroupIds: [],
          instanceProfile: 'p',
          clientToken: `${runId}-${deadline}`,
          tags: {
            'backup:managed-by': 'backup-orchestrator',
            'backup:restore-test-run': runId,
            'backup:restore-test-deadline': deadline,
          },
        })
      ).instanceId;
    const mine = await launchFor('rt-now', '2026-11-22T07:00:00.000Z');
    const stale = await launchFor('rt-old', '2026-11-22T05:00:00.000Z');
    const live = await launchFor('rt-other', '2026-11-22T06:30:00.000Z');
    const strayVolume = lab.addStrayVolume({
      'backup:managed-by': 'backup-orchestrator',
      'backup:restore-test-run': 'rt-old',
    });
    const strayEni = lab.addStrayNetworkInterface({
      'backup:managed-by': 'backup-orchestrator',
      'backup:restore-test-run': 'rt-old',
    });
    const foreignVolume = lab.addStrayVolume({ Name: 'not ours' });

    const result = await sweepRestoreLeftovers(run, lab, now);
    expect(result.terminatedInstances.sort()).toEqual([mine, stale].sort());
    expect(result.deletedVolumes).toEqual([strayVolume]);
    expect(result.deletedNetworkInterfaces).toEqual([strayEni]);
    expect(result.problems).toEqual([]);
    expect((await lab.findTestInstances()).map((instance) => instance.instanceId)).toEqual([live]);
    expect(lab.volumes.has(foreignVolume)).toBe(true);
    expect(
      isLeftover(
        {
          instanceId: 'i-1',
          imageId: 'ami',
          state: 'running',
          launchTime: '2026-11-22T01:00:00.000Z',
          tags: { 'backup:restore-test-run': 'r' },
        },
        'rt-now',
        now,
      ),
    ).toBe(true);
  });

  it('evidence stays a short string, cutting the console excerpt first', () => {
    const text = evidenceText({
      outcome: 'agent-never-online',
      reason: 'the SSM agent did not report Online',
      decidedAt: '2026-11-22T06:10:00.000Z',
      evidence: {
        facts: { instanceState: 'running' },
        consoleExcerpt: `start${'x'.repeat(10_000)}end`,
      },
    });
    expect(text.length).toBeLessThanOrEqual(4000);
    const parsed = JSON.parse(text) as { consoleExcerpt: string; reason: string };
    expect(parsed.consoleExcerpt.endsWith('end')).toBe(true);
    expect(parsed.reason).toContain('SSM agent');
  });
});
