import {
  afterNothingToTerminate,
  afterTermination,
  afterTerminationRefused,
  judgedInstanceIds,
  settleOverdue,
} from '../../functions/core/restore-test-cleanup.js';
import {
  adoptLaunched,
  afterLaunch,
  afterLaunchRefused,
  restoreTestDeadline,
  restoreTestTags,
} from '../../functions/core/restore-test-launch.js';
import { initialRestoreBatchState } from '../../functions/core/restore-test-loop.js';
import {
  afterSelfChecksSent,
  machinesUnderTest,
  observedFacts,
  pendingSelfCheck,
  readyForSelfCheck,
  withSelfCheckReading,
} from '../../functions/core/restore-test-observation.js';
import {
  consoleExcerpt,
  judgeMachines,
  needsConsoleEvidence,
  withConsoleExcerpt,
  withVerdict,
} from '../../functions/core/restore-test-verdict.js';
import {
  RestoreTestOptionsInputSchema,
  type RestoreRunContext,
  type RestoreWork,
} from '../../functions/core/run-state/restore-test-run.js';

/** The pure decisions of a restore-test turn (functions/steps/test-restores.ts acts on them). */

const run: RestoreRunContext = {
  runId: 'rt-1',
  policyName: 'daily',
  primaryRegion: 'us-east-1',
  startedAt: '2026-11-22T06:00:00.000Z',
  instanceType: 't3.micro',
  timeoutSeconds: 600,
  network: { subnetId: 'subnet-0a', securityGroupIds: ['sg-0a'], instanceProfile: 'p' },
  options: RestoreTestOptionsInputSchema.parse({ maxLaunchAttempts: 3 }),
};
const launchedAt = '2026-11-22T06:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(launchedAt) + seconds * 1000);
const healthyLine = '{"ip":"10.0.1.5","defaultRoute":true,"dns":true,"imds":true}';

function work(overrides: Partial<RestoreWork> = {}): RestoreWork {
  return {
    imageId: 'ami-1',
    sourceId: 'i-src',
    status: 'queued',
    launchAttempts: 0,
    facts: { selfCheckAttempts: 0 },
    terminated: false,
    ...overrides,
  };
}

function testing(overrides: Partial<RestoreWork['facts']> = {}): RestoreWork {
  return work({
    status: 'testing',
    instanceId: 'i-1',
    launchedAt,
    waitedAtLaunch: 0,
    facts: { selfCheckAttempts: 0, ...overrides },
  });
}

const passedFacts = {
  instanceState: 'running',
  privateIp: '10.0.1.5',
  instanceStatus: 'ok',
  systemStatus: 'ok',
  agentPingStatus: 'Online',
  commandId: 'cmd-1',
  selfCheckAttempts: 1,
  selfCheck: {
    commandId: 'cmd-1',
    status: 'success' as const,
    detail: 'Success',
    stdout: healthyLine,
    stderr: '',
  },
};

describe('restore-test launch decisions', () => {
  it('starts every image queued, with nothing seen or waited', () => {
    const state = initialRestoreBatchState({
      run,
      batchIndex: 0,
      images: [{ imageId: 'ami-1', sourceId: 'i-src', createdAt: launchedAt }],
    });
    expect(state.items).toEqual([work()]);
    expect(state.loop).toEqual({ polls: 0, waitedSeconds: 0, nextPollSeconds: 15, settled: false });
  });

  it('tags a machine with its run, image and a deadline of timeout plus ten minutes', () => {
    const deadline = restoreTestDeadline(run, at(0));
    expect(deadline.toISOString()).toBe(at(600 + 600).toISOString());
    expect(restoreTestTags(run, 'ami-1', deadline)).toEqual({
      'backup:managed-by': 'backup-orchestrator',
      'backup:policy': 'daily',
      'backup:restore-test-run': 'rt-1',
      'backup:restore-test-of': 'ami-1',
      'backup:restore-test-deadline': deadline.toISOString(),
      Name: 'restore-test ami-1 (rt-1)',
    });
  });

  it('adopts only a pending or running machine of a queued image, from its launch time', () => {
    const items = [work(), work({ imageId: 'ami-2' }), work({ imageId: 'ami-3', status: 'done' })];
    const found = [
      { instanceId: 'i-1', state: 'running', tags: { 'backup:restore-test-of': 'ami-1' } },
      {
        instanceId: 'i-2',
        state: 'stopped',
        launchTime: launchedAt,
        tags: { 'backup:restore-test-of': 'ami-2' },
      },
      { instanceId: 'i-3', state: 'running', tags: { 'backup:restore-test-of': 'ami-3' } },
    ];
    const adopted = adoptLaunched(items, found, at(30), 45);
    expect(adopted[0]).toMatchObject({
      status: 'testing',
      instanceId: 'i-1',
      launchedAt: at(30).toISOString(),
      waitedAtLaunch: 45,
    });
    expect(adopted[1]).toEqual(items[1]);
    expect(adopted[2]).toEqual(items[2]);
  });

  it('an accepted launch puts the image under test from the call and forgets the last error', () => {
    const item = work({ launchAttempts: 1, lastError: { name: 'ThrottledError', message: 'x' } });
    const launched = afterLaunch(item, { instanceId: 'i-9', state: 'pending' }, 2, at(3), 15);
    expect(launched).toEqual({
      ...work(),
      status: 'testing',
      launchAttempts: 2,
      instanceId: 'i-9',
      launchedAt: at(3).toISOString(),
      waitedAtLaunch: 15,
      facts: { selfCheckAttempts: 0, instanceState: 'pending' },
    });
  });

  it('a retryable refusal stays queued until the last attempt; anything else fails the launch', () => {
    const failure = { name: 'ThrottledError', message: 'slow down' };
    expect(
      afterLaunchRefused(work(), { attempt: 2, failure, retryable: true }, run, at(0)),
    ).toEqual(work({ launchAttempts: 2, lastError: failure }));
    const last = afterLaunchRefused(work(), { attempt: 3, failure, retryable: true }, run, at(0));
    expect(last).toMatchObject({
      status: 'done',
      terminated: true,
      verdict: {
        outcome: 'launch-failed',
        reason: 'RunInstances of ami-1 refused after 3 attempt(s): ThrottledError: slow down',
        decidedAt: at(0).toISOString(),
        evidence: { facts: { launchAttempts: 3, error: 'ThrottledError' } },
      },
    });
    const refused = { name: 'AwsRequestError', message: 'no such image' };
    expect(
      afterLaunchRefused(work(), { attempt: 1, failure: refused, retryable: false }, run, at(0)),
    ).toMatchObject({ status: 'done', verdict: { outcome: 'launch-failed' } });
  });
});

describe('restore-test observation decisions', () => {
  it('observes only machines under test', () => {
    expect(
      machinesUnderTest([testing(), work(), work({ status: 'judged', instanceId: 'i-2' })]),
    ).toEqual(['i-1']);
  });

  it("replaces what earlier turns saw with what this turn's calls said, keeping the rest", () => {
    const facts = observedFacts(
      { selfCheckAttempts: 1, instanceState: 'pending', agentPingStatus: 'ConnectionLost' },
      {
        instance: { state: 'running', privateIp: '10.0.1.5' },
        status: { instanceStatus: 'initializing', systemStatus: 'ok' },
      },
    );
    expect(facts).toEqual({
      selfCheckAttempts: 1,
      instanceState: 'running',
      privateIp: '10.0.1.5',
      instanceStatus: 'initializing',
      systemStatus: 'ok',
      agentPingStatus: 'ConnectionLost',
    });
  });

  it('reads a self-check until it finishes, keeping the tail of its output', () => {
    expect(pendingSelfCheck({ selfCheckAttempts: 1, commandId: 'cmd-1' })).toBe('cmd-1');
    expect(pendingSelfCheck(passedFacts)).toBeUndefined();
    expect(pendingSelfCheck({ selfCheckAttempts: 0 })).toBeUndefined();

    const facts = { selfCheckAttempts: 1, commandId: 'cmd-1' };
    const pending = { status: 'pending' as const, detail: 'InProgress', stdout: '', stderr: '' };
    expect(withSelfCheckReading(facts, 'cmd-1', pending)).toBe(facts);
    const read = withSelfCheckReading(facts, 'cmd-1', {
      status: 'failed',
      detail: 'Failed',
      stdout: `${'x'.repeat(5000)}end`,
      stderr: 'e'.repeat(3000),
    });
    expect(read.selfCheck?.stdout).toHaveLength(4000);
    expect(read.selfCheck?.stdout.endsWith('end')).toBe(true);
    expect(read.selfCheck?.stderr).toHaveLength(2000);
    expect(read.selfCheck).toMatchObject({ commandId: 'cmd-1', status: 'failed' });
  });

  it('asks a running machine with an online agent once, and again only when told to retry', () => {
    const fresh = testing({ instanceState: 'running', agentPingStatus: 'Online' });
    const asked = testing({
      instanceState: 'running',
      agentPingStatus: 'Online',
      commandId: 'cmd-1',
      selfCheckAttempts: 1,
    });
    const noAgent = testing({ instanceState: 'running' });
    const spent = testing({ ...asked.facts, selfCheckAttempts: 2 });
    const items = [fresh, asked, noAgent, spent].map((item, index) => ({
      ...item,
      imageId: `ami-${index}`,
    }));
    expect(readyForSelfCheck(items, new Set(), 2).map((item) => item.imageId)).toEqual(['ami-0']);
    expect(
      readyForSelfCheck(items, new Set(['ami-1', 'ami-3']), 2).map((item) => item.imageId),
    ).toEqual(['ami-0', 'ami-1']);

    const sent = afterSelfChecksSent(items, [items[0]!], new Map([['i-1', 'cmd-9']]));
    expect(sent[0]?.facts).toMatchObject({ commandId: 'cmd-9', selfCheckAttempts: 1 });
    expect(sent[1]).toBe(items[1]);
  });
});

describe('restore-test verdict decisions', () => {
  it('a passed machine gets its RTO from the launch call and its facts as evidence', () => {
    const { items, retrySelfCheck } = judgeMachines(
      [testing(passedFacts), work()],
      run,
      at(42.26),
      30,
    );
    expect(retrySelfCheck.size).toBe(0);
    expect(items[0]).toMatchObject({
      status: 'judged',
      verdict: {
        outcome: 'passed',
        rtoSeconds: 42.3,
        decidedAt: at(42.26).toISOString(),
        evidence: {
          facts: {
            instanceId: 'i-1',
            instanceState: 'running',
            agentPingStatus: 'Online',
            selfCheckAttempts: 1,
            selfCheckStatus: 'Success',
            elapsedSeconds: 42,
          },
        },
      },
    });
    expect(items[1]).toEqual(work());
  });

  it('times out by the waits when they say more than the clock, and names a retry', () => {
    const late = judgeMachines([testing({ instanceState: 'pending' })], run, at(10), 700);
    expect(late.items[0]?.verdict).toMatchObject({ outcome: 'timed-out' });
    expect(late.items[0]?.verdict?.rtoSeconds).toBeUndefined();

    const wrongIp = {
      ...passedFacts,
      selfCheck: { ...passedFacts.selfCheck, stdout: healthyLine.replace('10.0.1.5', '10.9.9.9') },
    };
    const retry = judgeMachines([testing(wrongIp)], run, at(60), 60);
    expect(retry.items[0]?.status).toBe('testing');
    expect([...retry.retrySelfCheck]).toEqual(['ami-1']);
  });

  it('a machine with nothing to terminate is done with its verdict', () => {
    const judged = withVerdict(work({ terminated: true }), 'timed-out', 'late', at(0), {
      facts: {},
    });
    expect(judged.status).toBe('done');
    expect(withVerdict(work(), 'timed-out', 'late', at(0), { facts: {} }).status).toBe('judged');
  });

  it('reads the console of failed machines still to terminate, once', () => {
    const failed = withVerdict(testing(), 'agent-never-online', 'no agent', at(0), { facts: {} });
    const passed = withVerdict(testing(), 'passed', 'ok', at(0), { facts: {} });
    expect(needsConsoleEvidence(failed, 2048)).toBe(true);
    expect(needsConsoleEvidence(failed, 0)).toBe(false);
    expect(needsConsoleEvidence(passed, 2048)).toBe(false);
    const withExcerpt = withConsoleExcerpt(failed, 'boot ok');
    expect(withExcerpt.verdict?.evidence.consoleExcerpt).toBe('boot ok');
    expect(needsConsoleEvidence(withExcerpt, 2048)).toBe(false);
  });

  it('keeps the last bytes of the console as whole characters, without control noise', () => {
    expect(consoleExcerpt({ text: 'a\u0007b\tc\r\nd' }, 100)).toBe('ab\tc\nd');
    expect(consoleExcerpt({ text: 'abcdef' }, 3)).toBe('…def');
    // "é" is two bytes: the cut one is dropped, not shown as a replacement character.
    expect(consoleExcerpt({ text: 'xéé' }, 3)).toBe('…é');
    expect(consoleExcerpt({ text: undefined }, 100)).toBe('(no console output yet)');
    expect(consoleExcerpt({ text: '' }, 100)).toBe('(no console output yet)');
    expect(consoleExcerpt({ unavailable: 'denied' }, 100)).toBe(
      '(console output unavailable: denied)',
    );
  });
});

describe('restore-test clean-up decisions', () => {
  const judged = (imageId: string, instanceId?: string): RestoreWork =>
    withVerdict(
      work({ imageId, status: 'testing', ...(instanceId ? { instanceId } : {}) }),
      'timed-out',
      'late',
      at(0),
      { facts: {} },
    );

  it('terminates the machines of judged images; those without one are done at once', () => {
    const items = [judged('ami-1', 'i-1'), judged('ami-2'), testing()];
    expect(judgedInstanceIds(items)).toEqual(['i-1']);
    expect(
      afterNothingToTerminate([judged('ami-2'), testing()]).map((item) => item.status),
    ).toEqual(['done', 'testing']);
  });

  it('a machine shutting down is done; one in another state is named and retried', () => {
    const items = [
      { ...judged('ami-1', 'i-1'), cleanupError: { name: 'X', message: 'earlier' } },
      judged('ami-2', 'i-2'),
      judged('ami-3'),
    ];
    const after = afterTermination(
      items,
      new Map([
        ['i-1', 'shutting-down'],
        ['i-2', 'running'],
      ]),
    );
    expect(after[0]).toMatchObject({ status: 'done', terminated: true });
    expect(after[0]?.cleanupError).toBeUndefined();
    expect(after[1]).toMatchObject({
      status: 'judged',
      cleanupError: {
        name: 'TerminationPending',
        message: 'instance i-2 is running after TerminateInstances',
      },
    });
    expect(after[2]).toMatchObject({ status: 'done', terminated: true });
  });

  it('a refused termination is retried if retryable, else left to the sweeper', () => {
    const failure = { name: 'ThrottledError', message: 'slow' };
    expect(afterTerminationRefused([judged('ami-1', 'i-1')], failure, true)[0]).toMatchObject({
      status: 'judged',
      cleanupError: failure,
    });
    expect(afterTerminationRefused([judged('ami-1', 'i-1')], failure, false)[0]).toMatchObject({
      status: 'done',
      cleanupError: failure,
    });
  });

  it('settles a batch only after the timeout and a grace of fifteen minutes', () => {
    const items = [
      work({ lastError: { name: 'ThrottledError', message: 'slow' }, launchAttempts: 2 }),
      judged('ami-2', 'i-2'),
      testing(),
    ];
    expect(settleOverdue(items, 600, 600 + 900, at(0))).toEqual(items);
    const settled = settleOverdue(items, 600, 600 + 901, at(0));
    expect(settled[0]).toMatchObject({
      status: 'done',
      terminated: true,
      verdict: {
        outcome: 'launch-failed',
        reason: 'never launched: ThrottledError: slow',
        evidence: { facts: { launchAttempts: 2 } },
      },
    });
    expect(settled[1]).toMatchObject({
      status: 'done',
      cleanupError: { name: 'TerminationPending' },
    });
    expect(settled[2]).toEqual(items[2]);
    expect(settleOverdue([work()], 600, 2000, at(0))[0]?.verdict?.reason).toBe(
      'never launched: no time left in any turn',
    );
  });
});
