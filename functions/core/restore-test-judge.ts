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

type Decided = Extract<RestoreJudgement, { decided: true }>;

/**
 * The restore test's verdict on what has been observed of one machine so far, or what it is still
 * waiting for. Pure: the step gathers the facts and the clock, this decides. A machine passes when
 * it runs, both reachability status checks are ok, the SSM agent answered, and the guest's own
 * view of the network matches its interface (IP, default route, DNS, IMDSv2).
 */
export function judgeRestoreTest(facts: RestoreFacts, context: JudgeContext): RestoreJudgement {
  const broken = brokenMachine(facts);
  if (broken) return broken;
  const selfCheck = judgeSelfCheck(facts, context);
  if (typeof selfCheck !== 'string') return selfCheck;

  const selfCheckPassed = selfCheck === 'passed';
  const statusOk = facts.instanceStatus === 'ok' && facts.systemStatus === 'ok';
  if (facts.instanceState === 'running' && selfCheckPassed && statusOk) {
    return {
      decided: true,
      outcome: 'passed',
      reason: 'running, status checks ok, agent online, network self-check passed',
    };
  }
  const waitingFor = waitingForOf(facts, selfCheckPassed);
  if (context.elapsedSeconds < context.timeoutSeconds) {
    return { decided: false, waitingFor, retrySelfCheck: false };
  }
  return timedOut(waitingFor, facts, context);
}

/** A machine that went down on its own, or whose reachability checks are impaired, has failed now. */
function brokenMachine(facts: RestoreFacts): Decided | undefined {
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
  return undefined;
}

/**
 * The latest self-check (of the command last sent): passed, absent (none finished yet), or a
 * judgement. A failed one is asked again while attempts and time remain, and fails the test after.
 */
function judgeSelfCheck(
  facts: RestoreFacts,
  context: JudgeContext,
): 'passed' | 'absent' | RestoreJudgement {
  const selfCheck =
    facts.selfCheck && facts.selfCheck.commandId === facts.commandId ? facts.selfCheck : undefined;
  if (!selfCheck) return 'absent';
  const verdict = selfCheckVerdict(selfCheck, facts.privateIp);
  if (verdict.failedChecks.length === 0) return 'passed';
  if (
    facts.selfCheckAttempts < context.maxSelfCheckAttempts &&
    context.elapsedSeconds < context.timeoutSeconds
  ) {
    return { decided: false, waitingFor: 'self-check', retrySelfCheck: true };
  }
  return {
    decided: true,
    outcome: 'network-self-check-failed',
    reason: `network self-check failed (attempt ${facts.selfCheckAttempts}): ${verdict.failedChecks.join('; ')}`,
    failedChecks: verdict.failedChecks,
    ...(verdict.guestReport ? { guestReport: verdict.guestReport } : {}),
  };
}

/** The first thing a machine that has not passed yet still lacks. */
function waitingForOf(facts: RestoreFacts, selfCheckPassed: boolean): WaitingFor {
  if (facts.instanceState !== 'running') return 'running';
  if (facts.agentPingStatus !== 'Online' && !facts.commandId) return 'agent';
  return selfCheckPassed ? 'status-checks' : 'self-check';
}

/** The verdict at the timeout, named after what never happened. */
function timedOut(waitingFor: WaitingFor, facts: RestoreFacts, context: JudgeContext): Decided {
  const within = `within ${context.timeoutSeconds}s`;
  switch (waitingFor) {
    case 'running':
      return {
        decided: true,
        outcome: 'timed-out',
        reason: `the instance was still ${facts.instanceState ?? 'not visible'} after ${Math.round(context.elapsedSeconds)}s (timeout ${context.timeoutSeconds}s)`,
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
