import { judgeRestoreTest } from './restore-test-judge.js';
import { elapsedSinceLaunch } from './restore-test-loop.js';
import type {
  RestoreEvidence,
  RestoreOutcome,
  RestoreRunContext,
  RestoreWork,
} from './run-state/restore-test-run.js';

export type VerdictDetails = { facts: RestoreEvidence['facts']; rtoSeconds?: number } & Omit<
  RestoreEvidence,
  'facts'
>;

/**
 * Judges every machine under test as of `now` (restore-test-judge.ts decides on its facts):
 * a decided one gets its verdict, with the observed facts as evidence and, when it passed, the
 * RTO from the launch call (docs/adr/0005-restore-tests.md, decision 4). `retrySelfCheck` names
 * the images whose failed self-check is to be asked again.
 */
export function judgeMachines(
  items: readonly RestoreWork[],
  run: RestoreRunContext,
  now: Date,
  waitedNow: number,
): { items: RestoreWork[]; retrySelfCheck: Set<string> } {
  const retrySelfCheck = new Set<string>();
  const judged = items.map((item) => {
    if (item.status !== 'testing' || !item.launchedAt) return item;
    const elapsedSeconds = elapsedSinceLaunch(item.launchedAt, item.waitedAtLaunch, now, waitedNow);
    const judgement = judgeRestoreTest(item.facts, {
      elapsedSeconds,
      timeoutSeconds: run.timeoutSeconds,
      maxSelfCheckAttempts: run.options.selfCheckAttempts,
    });
    if (!judgement.decided) {
      if (judgement.retrySelfCheck) retrySelfCheck.add(item.imageId);
      return item;
    }
    const clockSeconds = (now.getTime() - Date.parse(item.launchedAt)) / 1000;
    return withVerdict(item, judgement.outcome, judgement.reason, now, {
      facts: verdictFacts(item, elapsedSeconds),
      ...(judgement.failedChecks ? { failedChecks: judgement.failedChecks } : {}),
      ...(judgement.guestReport ? { guestReport: judgement.guestReport } : {}),
      ...(judgement.outcome === 'passed'
        ? { rtoSeconds: Math.round(Math.max(0, clockSeconds) * 10) / 10 }
        : {}),
    });
  });
  return { items: judged, retrySelfCheck };
}

/**
 * Gives an image its verdict. A machine still to terminate is `judged`; one with nothing left to
 * terminate (never launched, or already gone) is `done`.
 */
export function withVerdict(
  item: RestoreWork,
  outcome: RestoreOutcome,
  reason: string,
  now: Date,
  details: VerdictDetails,
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

/** A failed verdict's machine whose console output is still to be read as evidence. */
export function needsConsoleEvidence(item: RestoreWork, bytes: number): boolean {
  const verdict = item.verdict;
  return (
    item.status === 'judged' &&
    Boolean(item.instanceId) &&
    verdict !== undefined &&
    verdict.outcome !== 'passed' &&
    verdict.evidence.consoleExcerpt === undefined &&
    bytes !== 0
  );
}

/** The evidence's console excerpt: the last `bytes` of the output, or why there is none. */
export function consoleExcerpt(
  output: { text: string | undefined } | { unavailable: string },
  bytes: number,
): string {
  if ('unavailable' in output) return `(console output unavailable: ${output.unavailable})`;
  return output.text ? tail(output.text, bytes) : '(no console output yet)';
}

export function withConsoleExcerpt(item: RestoreWork, excerpt: string): RestoreWork {
  const verdict = item.verdict;
  if (!verdict) return item;
  return {
    ...item,
    verdict: { ...verdict, evidence: { ...verdict.evidence, consoleExcerpt: excerpt } },
  };
}

/** What EC2 and SSM said of the machine, as the verdict's evidence (absent facts left out). */
function verdictFacts(item: RestoreWork, elapsedSeconds: number): RestoreEvidence['facts'] {
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

/** The last `bytes` of a text (whole characters, UTF-8), trimmed of control noise. */
function tail(text: string, bytes: number): string {
  const clean = [...text]
    .filter((char) => {
      const code = char.charCodeAt(0);
      return char === '\n' || char === '\t' || (code >= 0x20 && code !== 0x7f);
    })
    .join('');
  const encoded = new TextEncoder().encode(clean);
  if (encoded.length <= bytes) return clean;
  // A character cut in two decodes as U+FFFD; ignoreBOM keeps a leading U+FEFF as text.
  const kept = new TextDecoder('utf-8', { ignoreBOM: true }).decode(
    encoded.subarray(encoded.length - bytes),
  );
  return `…${kept.replace(/^\uFFFD+/, '')}`;
}
