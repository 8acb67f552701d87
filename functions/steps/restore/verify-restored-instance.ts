import { guestSelfCheckScript } from '../../core/guest-self-check.js';
import { judgeRestoreTest, type RestoreJudgement } from '../../core/restore-test-judge.js';
import {
  afterSelfChecksSent,
  observedFacts,
  pendingSelfCheck,
  readyForSelfCheck,
  withSelfCheckReading,
} from '../../core/restore-test-observation.js';
import type { VerificationCheck } from '../../core/restore/restore-record.js';
import type { RestoreFacts, RestoreWork } from '../../core/run-state/restore-test-run.js';
import type { RestoreObservation } from '../../ports/restore-observation.js';

/** As long as a restore test's default (restoreTest.timeoutMinutes, 20). */
export const verificationTimeoutSeconds = 1_200;
const selfCheckAttempts = 2;

export interface VerificationTurn {
  facts: RestoreFacts;
  judgement: RestoreJudgement;
}

/**
 * One turn of a restored instance's verification, with the restore test's own checks and judge
 * (functions/core/restore-test-*.ts, the restore lab's observation port): EC2 state, the
 * reachability status checks, the SSM agent, and the guest's self-check of its network, sent
 * once the agent is online and asked again once after a failure. The machine is one restore-test
 * work item, so the restore test's functions apply as they are.
 */
export async function verificationTurn(
  instance: { instanceId: string; imageId: string; region: string },
  previous: RestoreFacts | undefined,
  elapsedSeconds: number,
  observer: RestoreObservation,
): Promise<VerificationTurn> {
  const { instanceId } = instance;
  const [described] = await observer.describeInstances([instanceId]);
  const running = described?.state === 'running';
  const [status] = running ? await observer.describeInstanceStatus([instanceId]) : [];
  const [agent] = running ? await observer.describeAgents([instanceId]) : [];
  let facts = observedFacts(previous ?? { selfCheckAttempts: 0 }, {
    ...(described ? { instance: described } : {}),
    ...(status ? { status } : {}),
    ...(agent ? { agentPingStatus: agent.pingStatus } : {}),
  });
  const commandId = pendingSelfCheck(facts);
  if (commandId)
    facts = withSelfCheckReading(
      facts,
      commandId,
      await observer.getSelfCheckResult(commandId, instanceId),
    );
  const judgement = judgeRestoreTest(facts, {
    elapsedSeconds,
    timeoutSeconds: verificationTimeoutSeconds,
    maxSelfCheckAttempts: selfCheckAttempts,
  });
  if (judgement.decided) return { facts, judgement };
  const work: RestoreWork = {
    imageId: instance.imageId,
    sourceId: '',
    status: 'testing',
    launchAttempts: 1,
    instanceId,
    facts,
    terminated: false,
  };
  const retry = new Set(judgement.retrySelfCheck ? [instance.imageId] : []);
  const ready = readyForSelfCheck([work], retry, selfCheckAttempts);
  if (ready.length === 0) return { facts, judgement };
  const commands = await observer.sendSelfCheck(
    [instanceId],
    guestSelfCheckScript(instance.region),
  );
  const [sent] = afterSelfChecksSent([work], ready, commands);
  return { facts: sent?.facts ?? facts, judgement };
}

/** The checks as the restore record shows them, from what the verification saw. */
export function verificationChecks(
  facts: RestoreFacts,
  judgement: RestoreJudgement,
): VerificationCheck[] {
  const selfCheckPassed =
    facts.selfCheck?.status === 'success' &&
    !(judgement.decided && judgement.outcome === 'network-self-check-failed');
  return [
    {
      name: 'running',
      passed: facts.instanceState === 'running',
      detail: facts.instanceState ?? 'not seen',
    },
    {
      name: 'status-checks',
      passed: facts.instanceStatus === 'ok' && facts.systemStatus === 'ok',
      detail: `instance ${facts.instanceStatus ?? 'unknown'}, system ${facts.systemStatus ?? 'unknown'}`,
    },
    {
      name: 'ssm-agent',
      passed: facts.agentPingStatus === 'Online',
      detail: facts.agentPingStatus ?? 'never registered',
    },
    {
      name: 'guest-self-check',
      passed: selfCheckPassed,
      detail: judgement.decided ? judgement.reason : 'not finished',
    },
  ];
}
