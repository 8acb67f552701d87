import type { RestoreFacts, RestoreWork } from './run-state/restore-test-run.js';

/** What one turn's calls said of one machine; absent when the call did not mention it. */
export interface MachineObservation {
  instance?: { state: string; privateIp?: string; stateReason?: string };
  status?: { instanceStatus: string; systemStatus: string };
  agentPingStatus?: string;
}

/** A finished or pending self-check command, as SSM reports it. */
export interface SelfCheckReading {
  status: 'pending' | 'success' | 'failed';
  detail: string;
  stdout: string;
  stderr: string;
}

/** The instance ids of the machines under test, to observe with one call per question. */
export function machinesUnderTest(items: readonly RestoreWork[]): string[] {
  return items.flatMap((item) =>
    item.status === 'testing' && item.instanceId ? [item.instanceId] : [],
  );
}

/** The facts after this turn's calls: what they said replaces what earlier turns saw. */
export function observedFacts(facts: RestoreFacts, seen: MachineObservation): RestoreFacts {
  const { instance, status } = seen;
  return {
    ...facts,
    ...(instance ? { instanceState: instance.state } : {}),
    ...(instance?.privateIp ? { privateIp: instance.privateIp } : {}),
    ...(instance?.stateReason ? { stateReason: instance.stateReason } : {}),
    ...(status ? { instanceStatus: status.instanceStatus, systemStatus: status.systemStatus } : {}),
    ...(seen.agentPingStatus ? { agentPingStatus: seen.agentPingStatus } : {}),
  };
}

/** The self-check command whose result is still to be read (sent, not yet finished). */
export function pendingSelfCheck(facts: RestoreFacts): string | undefined {
  return facts.commandId && facts.selfCheck?.commandId !== facts.commandId
    ? facts.commandId
    : undefined;
}

/** Keeps a finished self-check (the output's tail, enough for the one JSON line and an error). */
export function withSelfCheckReading(
  facts: RestoreFacts,
  commandId: string,
  reading: SelfCheckReading,
): RestoreFacts {
  if (reading.status === 'pending') return facts;
  return {
    ...facts,
    selfCheck: {
      commandId,
      status: reading.status,
      detail: reading.detail,
      stdout: reading.stdout.slice(-4000),
      stderr: reading.stderr.slice(-2000),
    },
  };
}

/**
 * Machines to send a (new) self-check to: running, agent online, and either never asked or asked
 * again after a failure (`retry`, from judgeMachines), within the allowed attempts.
 */
export function readyForSelfCheck(
  items: readonly RestoreWork[],
  retry: ReadonlySet<string>,
  maxAttempts: number,
): RestoreWork[] {
  return items.filter(
    (item) =>
      item.status === 'testing' &&
      item.instanceId &&
      item.facts.instanceState === 'running' &&
      item.facts.agentPingStatus === 'Online' &&
      (!item.facts.commandId || retry.has(item.imageId)) &&
      item.facts.selfCheckAttempts < maxAttempts,
  );
}

/** Books the commands SSM accepted (by instance id) on the machines they were sent to. */
export function afterSelfChecksSent(
  items: readonly RestoreWork[],
  sentTo: readonly RestoreWork[],
  commands: ReadonlyMap<string, string>,
): RestoreWork[] {
  return items.map((item) => {
    const commandId = item.instanceId ? commands.get(item.instanceId) : undefined;
    if (!commandId || !sentTo.includes(item)) return item;
    return {
      ...item,
      facts: { ...item.facts, commandId, selfCheckAttempts: item.facts.selfCheckAttempts + 1 },
    };
  });
}
