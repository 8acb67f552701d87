import { failedSelfChecks, parseSelfCheckOutput } from './guest-self-check.js';
import type { RestoreFacts, RestoreOutcome } from './run-state/restore-test-run.js';

/** Instance states a healthy test machine never reaches on its own. */
const downStates = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);

export type WaitingFor = 'running' | 'status-checks' | 'agent' | 'self-check';

export type RestoreJudgement =
  | {
      decided: true;
      outcome: RestoreOutcome;
      reason: string;
      failedChecks?: string[];
      guestReport?: string;
    }
  | {
      decided: false;
      waitingFor: WaitingFor;
      /** The last self-check failed and may be asked again: send a new command. */
      retrySelfCheck: boolean;
    };

export interface JudgeContext {
  /** Seconds since the launch call. */
  elapsedSeconds: number;
  timeoutSeconds: number;
  /** Self-check commands allowed in all. */
  maxSelfCheckAttempts: number;
}

/**
 * The restore test's verdict on what has been observed of one machine so far, or what it is still
 * waiting for. Pure: the step gathers the facts and the clock, this decides. A machine passes when
 * it runs, both reachability status checks are ok, the SSM agent answered, and the guest's own
 * view of the network matches its interface (IP, default route, DNS, IMDSv2).
 */
export function judgeRestoreTest(facts: RestoreFacts, context: JudgeContext): RestoreJudgement {
  const state = facts.instanceState;
  if (state !== undefined && downStates.has(state)) {
    return {
      decided: true,
      outcome: 'image-not-bootable',
      reason: `the instance went ${state} on its own${facts.stateReason ? ` (${facts.stateReason})` : ''}`,
    };
  }
  if (facts.instanceStatus === 'impaired' || facts.systemStatus === 'impaired') {
    return {
      decided: true,
      outcome: 'status-checks-impaired',
      reason: `reachability status checks impaired (instance ${facts.instanceStatus ?? 'unknown'}, system ${facts.systemStatus ?? 'unknown'})`,
    };
  }

  const statusOk = facts.instanceStatus === 'ok' && facts.systemStatus === 'ok';
  const selfCheck =
    facts.selfCheck && facts.selfCheck.commandId === facts.commandId ? facts.selfCheck : undefined;
  let selfCheckPassed = false;
  if (selfCheck) {
    const verdict = selfCheckVerdict(selfCheck, facts.privateIp);
    if (verdict.failedChecks.length === 0) {
      selfCheckPassed = true;
    } else if (facts.selfCheckAttempts < context.maxSelfCheckAttempts) {
      if (context.elapsedSeconds < context.timeoutSeconds) {
        return { decided: false, waitingFor: 'self-check', retrySelfCheck: true };
      }
    }
    if (!selfCheckPassed) {
      return {
        decided: true,
        outcome: 'network-self-check-failed',
        reason: `network self-check failed (attempt ${facts.selfCheckAttempts}): ${verdict.failedChecks.join('; ')}`,
        failedChecks: verdict.failedChecks,
        ...(verdict.guestReport ? { guestReport: verdict.guestReport } : {}),
      };
    }
  }
  if (state === 'running' && selfCheckPassed && statusOk) {
    return {
      decided: true,
      outcome: 'passed',
      reason: 'running, status checks ok, agent online, network self-check passed',
    };
  }

  const waitingFor: WaitingFor =
    state !== 'running'
      ? 'running'
      : facts.agentPingStatus !== 'Online' && !facts.commandId
        ? 'agent'
        : !selfCheckPassed
          ? 'self-check'
          : 'status-checks';
  if (context.elapsedSeconds < context.timeoutSeconds) {
    return { decided: false, waitingFor, retrySelfCheck: false };
  }
  const within = `within ${context.timeoutSeconds}s`;
  switch (waitingFor) {
    case 'running':
      return {
        decided: true,
        outcome: 'timed-out',
        reason: `the instance was still ${state ?? 'not visible'} after ${Math.round(context.elapsedSeconds)}s (timeout ${context.timeoutSeconds}s)`,
      };
    case 'agent':
      return {
        decided: true,
        outcome: 'agent-never-online',
        reason: `the SSM agent did not report Online ${within} (${facts.agentPingStatus ? `last ping status ${facts.agentPingStatus}` : 'it never registered with SSM'})`,
      };
    case 'self-check':
      return {
        decided: true,
        outcome: 'timed-out',
        reason: `the network self-check command did not finish ${within}`,
      };
    case 'status-checks':
      return {
        decided: true,
        outcome: 'timed-out',
        reason: `the reachability status checks did not turn ok ${within} (instance ${facts.instanceStatus ?? 'unknown'}, system ${facts.systemStatus ?? 'unknown'})`,
      };
  }
}

function selfCheckVerdict(
  selfCheck: NonNullable<RestoreFacts['selfCheck']>,
  privateIp: string | undefined,
): { failedChecks: string[]; guestReport?: string } {
  if (selfCheck.status === 'failed') {
    const stderr = selfCheck.stderr.trim();
    return {
      failedChecks: [
        `the self-check command ended ${selfCheck.detail}${stderr ? `: ${stderr.slice(0, 300)}` : ''}`,
      ],
    };
  }
  const parsed = parseSelfCheckOutput(selfCheck.stdout);
  if (!parsed.ok) return { failedChecks: [parsed.problem] };
  if (privateIp === undefined) {
    return {
      failedChecks: ['ip: EC2 reports no private IP for the instance to compare with'],
      guestReport: parsed.line,
    };
  }
  return { failedChecks: failedSelfChecks(parsed.report, privateIp), guestReport: parsed.line };
}
