import { createHash } from 'node:crypto';
import { guestSelfCheckScript } from '../core/guest-self-check.js';
import {
  afterNothingToTerminate,
  afterTermination,
  afterTerminationRefused,
  judgedInstanceIds,
  settleOverdue,
} from '../core/restore-test-cleanup.js';
import {
  adoptLaunched,
  afterLaunch,
  afterLaunchRefused,
  restoreTestDeadline,
  restoreTestTags,
} from '../core/restore-test-launch.js';
import {
  initialRestoreBatchState,
  recordRestorePoll,
  waitedUntilNow,
} from '../core/restore-test-loop.js';
import {
  afterSelfChecksSent,
  machinesUnderTest,
  observedFacts,
  pendingSelfCheck,
  readyForSelfCheck,
  withSelfCheckReading,
} from '../core/restore-test-observation.js';
import {
  consoleExcerpt,
  judgeMachines,
  needsConsoleEvidence,
  withConsoleExcerpt,
} from '../core/restore-test-verdict.js';
import type {
  RestoreBatchState,
  RestoreBatchStepEvent,
  RestoreRunContext,
  RestoreWork,
} from '../core/run-state/restore-test-run.js';
import type { RestoreCleanup } from '../ports/restore-cleanup.js';
import {
  InsufficientCapacityError,
  type LaunchRequest,
  type RestoreLaunch,
} from '../ports/restore-launch.js';
import type { RestoreObservation } from '../ports/restore-observation.js';
import type { Pacer } from './pacer.js';
import { isRetryableStartError, toFailure } from './work-outcomes.js';

export interface RestoreTestTurnDeps {
  launcher: RestoreLaunch;
  observer: RestoreObservation;
  /** Terminates judged machines; also finds the machines this run already launched. */
  cleanup: RestoreCleanup;
  /** Paces RunInstances (EC2 throttles it per account). */
  pace: Pacer;
  /** Launches stop when this returns false (the Lambda is near its timeout); the rest wait a poll. */
  hasTime: () => boolean;
  /** The clock: launch instants and verdict instants (RTO) are read from it. */
  clock: () => Date;
}

/**
 * One turn of a batch's restore-test loop, safe to repeat: adopts machines this run already
 * launched, launches queued images at the paced rate, observes every machine under test with one
 * call per question (DescribeInstances, DescribeInstanceStatus, DescribeInstanceInformation,
 * SendCommand for those ready), judges each, collects evidence for failures and terminates every
 * machine that has its verdict. The batch is settled when every image has a verdict and its
 * machine is terminated (or was never launched). The decisions are the core's
 * (functions/core/restore-test-*.ts); this gathers what they need and acts on them.
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
    const found = await deps.cleanup.findTestInstances(run.runId);
    items = adoptLaunched(items, found, deps.clock(), waitedNow);
    items = await Promise.all(
      items.map((item) =>
        item.status === 'queued' && deps.hasTime() ? launch(item, run, deps, waitedNow) : item,
      ),
    );
  }

  items = await observe(items, deps.observer);
  const now = deps.clock();
  const judged = judgeMachines(items, run, now, waitedNow);
  items = await sendSelfChecks(judged.items, judged.retrySelfCheck, deps.observer, run);
  items = await collectConsoleEvidence(items, deps.observer, run.options.consoleExcerptBytes);
  items = await terminateJudged(items, deps.cleanup);
  items = settleOverdue(items, run.timeoutSeconds, waitedNow, now);

  const settled = items.every((item) => item.status === 'done');
  return { ...state, items, loop: recordRestorePoll(state.loop, settled, run.options) };
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
    const machine = await deps.pace(() => {
      // The RTO starts at the call itself, after any pacing delay.
      launchedAt = deps.clock();
      return deps.launcher.launch(launchRequest(item, run, attempt, launchedAt));
    });
    return afterLaunch(item, machine, attempt, launchedAt, waitedNow);
  } catch (error) {
    const failure = toFailure(error);
    const retryable = isRetryableStartError(error) || error instanceof InsufficientCapacityError;
    return afterLaunchRefused(item, { attempt, failure, retryable }, run, deps.clock());
  }
}

function launchRequest(
  item: RestoreWork,
  run: RestoreRunContext,
  attempt: number,
  launchedAt: Date,
): LaunchRequest {
  return {
    imageId: item.imageId,
    instanceType: run.instanceType,
    subnetId: run.network.subnetId,
    securityGroupIds: run.network.securityGroupIds,
    instanceProfile: run.network.instanceProfile,
    clientToken: clientToken(run, item.imageId, attempt),
    tags: restoreTestTags(run, item.imageId, restoreTestDeadline(run, launchedAt)),
  };
}

/** The run, the execution's start and the attempt: a Lambda retry reuses it, a new attempt does not. */
function clientToken(run: RestoreRunContext, imageId: string, attempt: number): string {
  return createHash('sha256')
    .update(`${run.runId}|${run.startedAt}|${imageId}|${attempt}`)
    .digest('hex');
}

/** One call per question for the whole batch; the self-check results one call per machine. */
async function observe(items: RestoreWork[], observer: RestoreObservation): Promise<RestoreWork[]> {
  const ids = machinesUnderTest(items);
  if (ids.length === 0) return items;
  const instances = byInstance(await observer.describeInstances(ids));
  // Status checks and the agent mean something only once a machine runs.
  const running = ids.filter((id) => instances.get(id)?.state === 'running');
  const statuses = byInstance(
    running.length > 0 ? await observer.describeInstanceStatus(running) : [],
  );
  const agents = byInstance(running.length > 0 ? await observer.describeAgents(running) : []);

  return Promise.all(
    items.map(async (item) => {
      if (item.status !== 'testing' || !item.instanceId) return item;
      let facts = observedFacts(item.facts, {
        instance: instances.get(item.instanceId),
        status: statuses.get(item.instanceId),
        agentPingStatus: agents.get(item.instanceId)?.pingStatus,
      });
      const commandId = pendingSelfCheck(facts);
      if (commandId) {
        const reading = await observer.getSelfCheckResult(commandId, item.instanceId);
        facts = withSelfCheckReading(facts, commandId, reading);
      }
      return { ...item, facts };
    }),
  );
}

function byInstance<T extends { instanceId: string }>(entries: T[]): Map<string, T> {
  return new Map(entries.map((entry) => [entry.instanceId, entry]));
}

/** One SendCommand for every machine whose agent is online and that needs a (new) self-check. */
async function sendSelfChecks(
  items: RestoreWork[],
  retry: ReadonlySet<string>,
  observer: RestoreObservation,
  run: RestoreRunContext,
): Promise<RestoreWork[]> {
  const ready = readyForSelfCheck(items, retry, run.options.selfCheckAttempts);
  if (ready.length === 0) return items;
  const commands = await observer.sendSelfCheck(
    ready.map((item) => item.instanceId ?? ''),
    guestSelfCheckScript(run.primaryRegion),
  );
  return afterSelfChecksSent(items, ready, commands);
}

/** The console output of every failed machine still to terminate, as its verdict's evidence. */
async function collectConsoleEvidence(
  items: RestoreWork[],
  observer: RestoreObservation,
  bytes: number,
): Promise<RestoreWork[]> {
  return Promise.all(
    items.map(async (item) => {
      if (!needsConsoleEvidence(item, bytes) || !item.instanceId) return item;
      let excerpt: string;
      try {
        excerpt = consoleExcerpt({ text: await observer.consoleOutput(item.instanceId) }, bytes);
      } catch (error) {
        excerpt = consoleExcerpt({ unavailable: toFailure(error).message }, bytes);
      }
      return withConsoleExcerpt(item, excerpt);
    }),
  );
}

/** One TerminateInstances for every machine with a verdict; a refusal is retried next turn. */
async function terminateJudged(
  items: RestoreWork[],
  cleanup: RestoreCleanup,
): Promise<RestoreWork[]> {
  const ids = judgedInstanceIds(items);
  if (ids.length === 0) return afterNothingToTerminate(items);
  try {
    const states = new Map(
      (await cleanup.terminate(ids)).map((entry) => [entry.instanceId, entry.state]),
    );
    return afterTermination(items, states);
  } catch (error) {
    return afterTerminationRefused(items, toFailure(error), isRetryableStartError(error));
  }
}
