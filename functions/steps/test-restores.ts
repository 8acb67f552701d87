import { createHash } from 'node:crypto';
import { guestSelfCheckScript } from '../core/guest-self-check.js';
import { judgeRestoreTest } from '../core/restore-test-judge.js';
import {
  elapsedSinceLaunch,
  recordRestorePoll,
  startRestoreLoop,
  waitedUntilNow,
} from '../core/restore-test-loop.js';
import type {
  RestoreBatchInput,
  RestoreBatchState,
  RestoreBatchStepEvent,
  RestoreEvidence,
  RestoreFacts,
  RestoreOutcome,
  RestoreRunContext,
  RestoreWork,
} from '../core/run-state/restore-test-run.js';
import { ManagedByValue, TagKeys, type Tags } from '../core/tag-keys.js';
import {
  InsufficientCapacityError,
  type LabInstance,
  type RestoreLab,
} from '../ports/restore-lab.js';
import type { Pacer } from './pacer.js';
import { isRetryableStartError, toFailure } from './work-outcomes.js';

export interface RestoreTestTurnDeps {
  lab: RestoreLab;
  /** Paces RunInstances (EC2 throttles it per account). */
  pace: Pacer;
  /** Launches stop when this returns false (the Lambda is near its timeout); the rest wait a poll. */
  hasTime: () => boolean;
  /** The clock: launch instants and verdict instants (RTO) are read from it. */
  clock: () => Date;
}

/** After this long past the timeout, a batch settles even if terminations keep failing (the sweeper follows). */
const settleGraceSeconds = 900;
/** Sweepers leave a test machine alone until its timeout plus this much has passed. */
const deadlineGraceSeconds = 600;

/**
 * One turn of a batch's restore-test loop, safe to repeat: adopts machines this run already
 * launched, launches queued images at the paced rate, observes every machine under test with one
 * call per question (DescribeInstances, DescribeInstanceStatus, DescribeInstanceInformation,
 * SendCommand for those ready), judges each, collects evidence for failures and terminates every
 * machine that has its verdict. The batch is settled when every image has a verdict and its
 * machine is terminated (or was never launched).
 */
export async function testRestores(
  event: RestoreBatchStepEvent,
  deps: RestoreTestTurnDeps,
): Promise<RestoreBatchState> {
  const state = 'items' in event ? event : initialRestoreBatchState(event);
  const { run } = state;
  const waitedNow = waitedUntilNow(state.loop);
  let items = state.items;

  if (items.some((item) => item.status === 'queued')) {
    items = await adoptLaunched(items, deps, run, waitedNow);
    items = await Promise.all(
      items.map((item) =>
        item.status === 'queued' && deps.hasTime() ? launch(item, run, deps, waitedNow) : item,
      ),
    );
  }

  items = await observe(items, deps.lab);
  const now = deps.clock();
  const retry = new Set<string>();
  items = items.map((item) => {
    if (item.status !== 'testing' || !item.launchedAt) return item;
    const elapsedSeconds = elapsedSinceLaunch(item.launchedAt, item.waitedAtLaunch, now, waitedNow);
    const judgement = judgeRestoreTest(item.facts, {
      elapsedSeconds,
      timeoutSeconds: run.timeoutSeconds,
      maxSelfCheckAttempts: run.options.selfCheckAttempts,
    });
    if (!judgement.decided) {
      if (judgement.retrySelfCheck) retry.add(item.imageId);
      return item;
    }
    const clockSeconds = (now.getTime() - Date.parse(item.launchedAt)) / 1000;
    return withVerdict(item, judgement.outcome, judgement.reason, now, {
      facts: factsOf(item, elapsedSeconds),
      ...(judgement.failedChecks ? { failedChecks: judgement.failedChecks } : {}),
      ...(judgement.guestReport ? { guestReport: judgement.guestReport } : {}),
      ...(judgement.outcome === 'passed'
        ? { rtoSeconds: Math.round(Math.max(0, clockSeconds) * 10) / 10 }
        : {}),
    });
  });

  items = await sendSelfChecks(items, retry, deps.lab, run);
  items = await collectConsoleEvidence(items, deps.lab, run.options.consoleExcerptBytes);
  items = await terminateJudged(items, deps.lab);

  const unsettled = items.some((item) => item.status !== 'done');
  if (unsettled && waitedNow > run.timeoutSeconds + settleGraceSeconds) {
    items = items.map((item) => forceSettle(item, now));
  }
  const loop = recordRestorePoll(
    state.loop,
    items.every((item) => item.status === 'done'),
    run.options,
  );
  return { ...state, items, loop };
}

export function initialRestoreBatchState(event: RestoreBatchInput): RestoreBatchState {
  return {
    ...event,
    items: event.images.map((image) => ({
      imageId: image.imageId,
      sourceId: image.sourceId,
      status: 'queued',
      launchAttempts: 0,
      facts: { selfCheckAttempts: 0 },
      terminated: false,
    })),
    loop: startRestoreLoop(event.run.options),
  };
}

/** Tags on a test machine, its volumes and its network interface. */
export function restoreTestTags(run: RestoreRunContext, imageId: string, deadline: Date): Tags {
  return {
    [TagKeys.managedBy]: ManagedByValue,
    [TagKeys.policy]: run.policyName,
    [TagKeys.restoreTestRun]: run.runId,
    [TagKeys.restoreTestOf]: imageId,
    [TagKeys.restoreTestDeadline]: deadline.toISOString(),
    Name: `restore-test ${imageId} (${run.runId})`.slice(0, 255),
  };
}

/** A machine this run launched before (a repeated turn or a re-run) is adopted, not launched again. */
async function adoptLaunched(
  items: RestoreWork[],
  deps: RestoreTestTurnDeps,
  run: RestoreRunContext,
  waitedNow: number,
): Promise<RestoreWork[]> {
  const launched = new Map<string, LabInstance>();
  for (const instance of await deps.lab.findTestInstances(run.runId)) {
    const imageId = instance.tags[TagKeys.restoreTestOf];
    if (imageId && (instance.state === 'pending' || instance.state === 'running')) {
      launched.set(imageId, instance);
    }
  }
  return items.map((item) => {
    const instance = launched.get(item.imageId);
    if (item.status !== 'queued' || !instance) return item;
    return {
      ...item,
      status: 'testing',
      instanceId: instance.instanceId,
      launchedAt: instance.launchTime ?? deps.clock().toISOString(),
      waitedAtLaunch: waitedNow,
    };
  });
}

async function launch(
  item: RestoreWork,
  run: RestoreRunContext,
  deps: RestoreTestTurnDeps,
  waitedNow: number,
): Promise<RestoreWork> {
  const attempt = item.launchAttempts + 1;
  try {
    let launchedAt = deps.clock();
    const instance = await deps.pace(() => {
      // The RTO starts at the call itself, after any pacing delay.
      launchedAt = deps.clock();
      const deadline = new Date(
        launchedAt.getTime() + (run.timeoutSeconds + deadlineGraceSeconds) * 1000,
      );
      return deps.lab.launch({
        imageId: item.imageId,
        instanceType: run.instanceType,
        subnetId: run.network.subnetId,
        securityGroupIds: run.network.securityGroupIds,
        instanceProfile: run.network.instanceProfile,
        clientToken: clientToken(run, item.imageId, attempt),
        tags: restoreTestTags(run, item.imageId, deadline),
      });
    });
    const { lastError: _previous, ...rest } = item;
    return {
      ...rest,
      status: 'testing',
      launchAttempts: attempt,
      instanceId: instance.instanceId,
      launchedAt: launchedAt.toISOString(),
      waitedAtLaunch: waitedNow,
      facts: { ...item.facts, instanceState: instance.state },
    };
  } catch (error) {
    const failure = toFailure(error);
    const retryable = isRetryableStartError(error) || error instanceof InsufficientCapacityError;
    if (retryable && attempt < run.options.maxLaunchAttempts) {
      return { ...item, launchAttempts: attempt, lastError: failure };
    }
    return withVerdict(
      { ...item, launchAttempts: attempt, lastError: failure, terminated: true },
      'launch-failed',
      `RunInstances of ${item.imageId} refused after ${attempt} attempt(s): ${failure.name}: ${failure.message}`,
      deps.clock(),
      { facts: { launchAttempts: attempt, error: failure.name } },
    );
  }
}

/** The run, the execution's start and the attempt: a Lambda retry reuses it, a new attempt does not. */
function clientToken(run: RestoreRunContext, imageId: string, attempt: number): string {
  return createHash('sha256')
    .update(`${run.runId}|${run.startedAt}|${imageId}|${attempt}`)
    .digest('hex');
}

/** One call per question for the whole batch; the self-check results one call per machine. */
async function observe(items: RestoreWork[], lab: RestoreLab): Promise<RestoreWork[]> {
  const testing = items.filter((item) => item.status === 'testing' && item.instanceId);
  if (testing.length === 0) return items;
  const ids = testing.map((item) => item.instanceId ?? '');
  const instances = new Map(
    (await lab.describeInstances(ids)).map((instance) => [instance.instanceId, instance]),
  );
  const running = ids.filter((id) => instances.get(id)?.state === 'running');
  const statuses = new Map(
    running.length > 0
      ? (await lab.describeInstanceStatus(running)).map((status) => [status.instanceId, status])
      : [],
  );
  const agents = new Map(
    running.length > 0
      ? (await lab.describeAgents(running)).map((agent) => [agent.instanceId, agent.pingStatus])
      : [],
  );

  return Promise.all(
    items.map(async (item) => {
      if (item.status !== 'testing' || !item.instanceId) return item;
      const instance = instances.get(item.instanceId);
      const status = statuses.get(item.instanceId);
      const agent = agents.get(item.instanceId);
      const facts: RestoreFacts = {
        ...item.facts,
        ...(instance ? { instanceState: instance.state } : {}),
        ...(instance?.privateIp ? { privateIp: instance.privateIp } : {}),
        ...(instance?.stateReason ? { stateReason: instance.stateReason } : {}),
        ...(status
          ? { instanceStatus: status.instanceStatus, systemStatus: status.systemStatus }
          : {}),
        ...(agent ? { agentPingStatus: agent } : {}),
      };
      const pendingCommand =
        facts.commandId && facts.selfCheck?.commandId !== facts.commandId
          ? facts.commandId
          : undefined;
      if (pendingCommand) {
        const result = await lab.getSelfCheckResult(pendingCommand, item.instanceId);
        if (result.status !== 'pending') {
          facts.selfCheck = {
            commandId: pendingCommand,
            status: result.status,
            detail: result.detail,
            stdout: result.stdout.slice(-4000),
            stderr: result.stderr.slice(-2000),
          };
        }
      }
      return { ...item, facts };
    }),
  );
}

/** One SendCommand for every machine whose agent is online and that needs a (new) self-check. */
async function sendSelfChecks(
  items: RestoreWork[],
  retry: Set<string>,
  lab: RestoreLab,
  run: RestoreRunContext,
): Promise<RestoreWork[]> {
  const ready = items.filter(
    (item) =>
      item.status === 'testing' &&
      item.instanceId &&
      item.facts.instanceState === 'running' &&
      item.facts.agentPingStatus === 'Online' &&
      (!item.facts.commandId || retry.has(item.imageId)) &&
      item.facts.selfCheckAttempts < run.options.selfCheckAttempts,
  );
  if (ready.length === 0) return items;
  const commands = await lab.sendSelfCheck(
    ready.map((item) => item.instanceId ?? ''),
    guestSelfCheckScript(run.primaryRegion),
  );
  return items.map((item) => {
    const commandId = item.instanceId ? commands.get(item.instanceId) : undefined;
    if (!commandId || !ready.includes(item)) return item;
    return {
      ...item,
      facts: {
        ...item.facts,
        commandId,
        selfCheckAttempts: item.facts.selfCheckAttempts + 1,
      },
    };
  });
}

async function collectConsoleEvidence(
  items: RestoreWork[],
  lab: RestoreLab,
  bytes: number,
): Promise<RestoreWork[]> {
  return Promise.all(
    items.map(async (item) => {
      const verdict = item.verdict;
      if (
        item.status !== 'judged' ||
        !item.instanceId ||
        !verdict ||
        verdict.outcome === 'passed' ||
        verdict.evidence.consoleExcerpt !== undefined ||
        bytes === 0
      ) {
        return item;
      }
      let consoleExcerpt: string;
      try {
        const output = await lab.consoleOutput(item.instanceId);
        consoleExcerpt = output ? tail(output, bytes) : '(no console output yet)';
      } catch (error) {
        consoleExcerpt = `(console output unavailable: ${toFailure(error).message})`;
      }
      return {
        ...item,
        verdict: { ...verdict, evidence: { ...verdict.evidence, consoleExcerpt } },
      };
    }),
  );
}

/** One TerminateInstances for every machine with a verdict; a refusal is retried next turn. */
async function terminateJudged(items: RestoreWork[], lab: RestoreLab): Promise<RestoreWork[]> {
  const judged = items.filter((item) => item.status === 'judged');
  const ids = judged.flatMap((item) => (item.instanceId ? [item.instanceId] : []));
  if (ids.length === 0) {
    return items.map((item) =>
      item.status === 'judged' ? { ...item, status: 'done', terminated: true } : item,
    );
  }
  try {
    const states = new Map(
      (await lab.terminate(ids)).map((entry) => [entry.instanceId, entry.state]),
    );
    return items.map((item) => {
      if (item.status !== 'judged') return item;
      const state = item.instanceId ? states.get(item.instanceId) : 'terminated';
      const { cleanupError: _previous, ...rest } = item;
      return state === 'shutting-down' || state === 'terminated'
        ? { ...rest, status: 'done', terminated: true }
        : {
            ...item,
            cleanupError: {
              name: 'TerminationPending',
              message: `instance ${item.instanceId} is ${state ?? 'not reported'} after TerminateInstances`,
            },
          };
    });
  } catch (error) {
    const failure = toFailure(error);
    const retryable = isRetryableStartError(error);
    return items.map((item) =>
      item.status !== 'judged'
        ? item
        : retryable
          ? { ...item, cleanupError: failure }
          : { ...item, status: 'done', cleanupError: failure },
    );
  }
}

function forceSettle(item: RestoreWork, now: Date): RestoreWork {
  if (item.status === 'queued') {
    return {
      ...withVerdict(
        { ...item, terminated: true },
        'launch-failed',
        `never launched: ${item.lastError ? `${item.lastError.name}: ${item.lastError.message}` : 'no time left in any turn'}`,
        now,
        { facts: { launchAttempts: item.launchAttempts } },
      ),
      status: 'done',
    };
  }
  if (item.status === 'judged') {
    return {
      ...item,
      status: 'done',
      cleanupError: item.cleanupError ?? {
        name: 'TerminationPending',
        message: `instance ${item.instanceId} not confirmed terminated; left to the sweeper`,
      },
    };
  }
  return item;
}

function withVerdict(
  item: RestoreWork,
  outcome: RestoreOutcome,
  reason: string,
  now: Date,
  details: { facts: RestoreEvidence['facts']; rtoSeconds?: number } & Omit<
    RestoreEvidence,
    'facts'
  >,
): RestoreWork {
  const { rtoSeconds, ...evidence } = details;
  return {
    ...item,
    status: item.terminated ? 'done' : 'judged',
    verdict: {
      outcome,
      reason,
      decidedAt: now.toISOString(),
      ...(rtoSeconds !== undefined ? { rtoSeconds } : {}),
      evidence,
    },
  };
}

function factsOf(item: RestoreWork, elapsedSeconds: number): RestoreEvidence['facts'] {
  const { facts } = item;
  const entries: [string, string | number | boolean | undefined][] = [
    ['instanceId', item.instanceId],
    ['instanceState', facts.instanceState],
    ['stateReason', facts.stateReason],
    ['privateIp', facts.privateIp],
    ['instanceStatus', facts.instanceStatus],
    ['systemStatus', facts.systemStatus],
    ['agentPingStatus', facts.agentPingStatus],
    ['selfCheckAttempts', facts.selfCheckAttempts],
    ['selfCheckStatus', facts.selfCheck?.detail],
    ['elapsedSeconds', Math.round(elapsedSeconds)],
  ];
  return Object.fromEntries(
    entries.filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined),
  );
}

/** The last `bytes` of a text (whole characters), trimmed of control noise. */
function tail(text: string, bytes: number): string {
  const clean = [...text]
    .filter((char) => {
      const code = char.charCodeAt(0);
      return char === '\n' || char === '\t' || (code >= 0x20 && code !== 0x7f);
    })
    .join('');
  const encoded = Buffer.from(clean, 'utf8');
  if (encoded.length <= bytes) return clean;
  return `…${encoded
    .subarray(encoded.length - bytes)
    .toString('utf8')
    .replace(/^\uFFFD+/, '')}`;
}
