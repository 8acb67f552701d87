import { spawnSync } from 'node:child_process';
import {
  failedSelfChecks,
  guestSelfCheckScript,
  parseSelfCheckOutput,
} from '../../functions/core/guest-self-check.js';
import { judgeRestoreTest } from '../../functions/core/restore-test-judge.js';
import type { RestoreFacts } from '../../functions/core/run-state/restore-test-run.js';

const healthyLine =
  '{"ip":"10.0.1.23","defaultRoute":true,"dns":true,"imds":true,"hostname":"ip-10-0-1-23"}';

function facts(overrides: Partial<RestoreFacts> = {}): RestoreFacts {
  return {
    instanceState: 'running',
    privateIp: '10.0.1.23',
    instanceStatus: 'ok',
    systemStatus: 'ok',
    agentPingStatus: 'Online',
    commandId: 'cmd-1',
    selfCheckAttempts: 1,
    selfCheck: {
      commandId: 'cmd-1',
      status: 'success',
      detail: 'Success',
      stdout: healthyLine,
      stderr: '',
    },
    ...overrides,
  };
}
const context = { elapsedSeconds: 60, timeoutSeconds: 1200, maxSelfCheckAttempts: 2 };

describe('guest self-check', () => {
  it('parses the one JSON line, ignoring noise before it', () => {
    const parsed = parseSelfCheckOutput(`banner\nwarning: x\n${healthyLine}\n`);
    expect(parsed).toEqual({
      ok: true,
      line: healthyLine,
      report: {
        ip: '10.0.1.23',
        defaultRoute: true,
        dns: true,
        imds: true,
        hostname: 'ip-10-0-1-23',
      },
    });
  });

  it('names what is wrong with output that is not the report', () => {
    expect(parseSelfCheckOutput('')).toEqual({
      ok: false,
      problem: expect.stringContaining('no JSON line'),
    });
    expect(parseSelfCheckOutput('{"ip":1}')).toEqual({
      ok: false,
      problem: expect.stringMatching(/lacks ip, defaultRoute, dns, imds/),
    });
    expect(parseSelfCheckOutput('{oops')).toEqual({
      ok: false,
      problem: expect.stringContaining('not valid JSON'),
    });
  });

  it('lists every failed check with the values', () => {
    expect(
      failedSelfChecks(
        { ip: '10.9.9.9', defaultRoute: false, dns: false, imds: false },
        '10.0.1.23',
      ),
    ).toEqual([
      'ip: the guest reports "10.9.9.9", its network interface has 10.0.1.23',
      'defaultRoute: the guest has no default route',
      'dns: the guest cannot resolve the regional SSM endpoint',
      'imds: the instance metadata service (IMDSv2) did not answer',
    ]);
    expect(
      failedSelfChecks({ ip: '10.0.1.23', defaultRoute: true, dns: true, imds: true }, '10.0.1.23'),
    ).toEqual([]);
  });

  it('the script for a region resolves that region and refuses a malformed one', () => {
    expect(guestSelfCheckScript('eu-west-1')).toContain('getent hosts ssm.eu-west-1.amazonaws.com');
    expect(guestSelfCheckScript('eu-west-1')).not.toContain('{{region}}');
    expect(() => guestSelfCheckScript('eu-west-1; rm -rf /')).toThrow(/expected an AWS region/);
  });

  it('the script prints exactly one parseable line on a real Linux shell', () => {
    const run = spawnSync('sh', ['-c', guestSelfCheckScript('us-east-1')], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const parsed = parseSelfCheckOutput(run.stdout);
    expect(parsed.ok).toBe(true);
  });
});

describe('judgeRestoreTest', () => {
  it('passes a running machine with ok checks, an online agent and a matching self-check', () => {
    expect(judgeRestoreTest(facts(), context)).toMatchObject({ decided: true, outcome: 'passed' });
  });

  it('waits for status checks even when the self-check already passed', () => {
    expect(judgeRestoreTest(facts({ instanceStatus: 'initializing' }), context)).toEqual({
      decided: false,
      waitingFor: 'status-checks',
      retrySelfCheck: false,
    });
  });

  it.each([
    [
      'pending',
      {
        instanceState: 'pending',
        selfCheck: undefined,
        commandId: undefined,
        agentPingStatus: undefined,
      },
      'running',
    ],
    [
      'no agent yet',
      { agentPingStatus: undefined, commandId: undefined, selfCheck: undefined },
      'agent',
    ],
    ['command in flight', { selfCheck: undefined }, 'self-check'],
  ] as const)('waits while %s', (_name, overrides, waitingFor) => {
    expect(judgeRestoreTest(facts(overrides as Partial<RestoreFacts>), context)).toMatchObject({
      decided: false,
      waitingFor,
    });
  });

  it('an instance that stops or terminates on its own is not bootable, with the state reason', () => {
    expect(
      judgeRestoreTest(
        facts({
          instanceState: 'terminated',
          stateReason: 'Server.InternalError: Internal error on launch',
        }),
        context,
      ),
    ).toMatchObject({
      decided: true,
      outcome: 'image-not-bootable',
      reason: expect.stringContaining('Server.InternalError'),
    });
    expect(judgeRestoreTest(facts({ instanceState: 'stopped' }), context)).toMatchObject({
      outcome: 'image-not-bootable',
    });
  });

  it('impaired reachability checks fail the test at once', () => {
    expect(judgeRestoreTest(facts({ instanceStatus: 'impaired' }), context)).toMatchObject({
      decided: true,
      outcome: 'status-checks-impaired',
      reason: expect.stringContaining('instance impaired'),
    });
  });

  it('a wrong IP asks again once, then fails with the failed checks and the guest report', () => {
    const wrong = healthyLine.replace('10.0.1.23"', '192.168.0.9"');
    const first = facts({
      selfCheck: {
        commandId: 'cmd-1',
        status: 'success',
        detail: 'Success',
        stdout: wrong,
        stderr: '',
      },
    });
    expect(judgeRestoreTest(first, context)).toEqual({
      decided: false,
      waitingFor: 'self-check',
      retrySelfCheck: true,
    });
    const second = {
      ...first,
      commandId: 'cmd-2',
      selfCheckAttempts: 2,
      selfCheck: { ...first.selfCheck!, commandId: 'cmd-2' },
    };
    expect(judgeRestoreTest(second, context)).toEqual({
      decided: true,
      outcome: 'network-self-check-failed',
      reason: expect.stringContaining('192.168.0.9'),
      failedChecks: ['ip: the guest reports "192.168.0.9", its network interface has 10.0.1.23'],
      guestReport: wrong,
    });
  });

  it('a failed self-check command is a network self-check failure with its stderr', () => {
    const judged = judgeRestoreTest(
      facts({
        selfCheckAttempts: 2,
        selfCheck: {
          commandId: 'cmd-1',
          status: 'failed',
          detail: 'Failed',
          stdout: '',
          stderr: 'sh: ip: not found',
        },
      }),
      context,
    );
    expect(judged).toMatchObject({
      outcome: 'network-self-check-failed',
      reason: expect.stringContaining('sh: ip: not found'),
    });
  });

  it('at the timeout names what never happened', () => {
    const late = { ...context, elapsedSeconds: 1200 };
    expect(
      judgeRestoreTest(
        facts({ agentPingStatus: undefined, commandId: undefined, selfCheck: undefined }),
        late,
      ),
    ).toMatchObject({
      outcome: 'agent-never-online',
      reason: expect.stringContaining('never registered'),
    });
    expect(
      judgeRestoreTest(
        facts({ agentPingStatus: 'ConnectionLost', commandId: undefined, selfCheck: undefined }),
        late,
      ),
    ).toMatchObject({
      outcome: 'agent-never-online',
      reason: expect.stringContaining('ConnectionLost'),
    });
    expect(
      judgeRestoreTest(facts({ instanceState: 'pending', agentPingStatus: undefined }), late),
    ).toMatchObject({
      outcome: 'timed-out',
      reason: expect.stringContaining('still pending'),
    });
    expect(judgeRestoreTest(facts({ selfCheck: undefined }), late)).toMatchObject({
      outcome: 'timed-out',
      reason: expect.stringContaining('self-check command did not finish'),
    });
    expect(judgeRestoreTest(facts({ systemStatus: 'initializing' }), late)).toMatchObject({
      outcome: 'timed-out',
      reason: expect.stringContaining('status checks did not turn ok'),
    });
  });
});
