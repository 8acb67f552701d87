import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { renderAwsError, standardError } from './error-responses.js';
import type { FaultRuleState } from './faults.js';
import type { AwsCall } from './operation-name.js';
import { sendRendered } from './proxy-http.js';

/**
 * Answers a call that a fault rule picked (faults.ts): an AWS error in the call's wire
 * format, or for `timeout` no answer at all until the connection is dropped.
 */
export class FaultAnswers {
  /** Connections a timeout fault is holding open, released by `releaseAll()`. */
  private readonly held = new Set<{ timer: NodeJS.Timeout; socket: Socket }>();

  /** `defaultTimeoutMs`: how long a timeout fault without its own `timeoutMs` holds. */
  constructor(private readonly defaultTimeoutMs: number) {}

  answer(req: IncomingMessage, res: ServerResponse, call: AwsCall, rule: FaultRuleState): void {
    if (rule.fault === 'timeout') {
      this.holdUnanswered(req, rule.timeoutMs ?? this.defaultTimeoutMs);
      return;
    }
    const spec =
      typeof rule.fault === 'string' ? standardError(rule.fault, call.protocol) : rule.fault;
    const rendered = renderAwsError(call, spec);
    // Answer only once the client has finished sending, as a real server would.
    const answer = (): void => sendRendered(res, rendered);
    if (req.readableEnded) answer();
    else req.on('end', answer).resume();
  }

  /** Drops every connection still held, at once (the test cloud is stopping). */
  releaseAll(): void {
    for (const { timer, socket } of this.held) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.held.clear();
  }

  /** Never answer; drop the connection later, as a network black hole would. */
  private holdUnanswered(req: IncomingMessage, timeoutMs: number): void {
    const socket = req.socket;
    const entry = {
      socket,
      timer: setTimeout(() => {
        this.held.delete(entry);
        socket.destroy();
      }, timeoutMs),
    };
    this.held.add(entry);
    socket.once('close', () => {
      clearTimeout(entry.timer);
      this.held.delete(entry);
    });
    req.resume();
  }
}
