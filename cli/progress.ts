import ora, { type Ora } from 'ora';

/** Progress on stderr, only on a TTY (ora stays silent otherwise), so stdout stays parseable. */
export interface Progress {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
}

export function startProgress(text: string): Progress {
  const spinner: Ora = ora({
    text,
    stream: process.stderr,
    isEnabled: process.stderr.isTTY === true,
  }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    succeed: (next) => void spinner.succeed(next),
    fail: (next) => void spinner.fail(next),
  };
}

/**
 * Runs one workflow under a spinner labelled `label` ("run R", "prune R"): its progress lines while
 * it runs, then the outcome it names, or the error it failed with (rethrown).
 */
export async function withProgress<Result extends { outcome: string }>(
  label: string,
  run: (progress: Progress) => Promise<Result>,
): Promise<Result> {
  const progress = startProgress(`${label}: starting`);
  try {
    const result = await run(progress);
    progress.succeed(`${label}: ${result.outcome}`);
    return result;
  } catch (error) {
    progress.fail(`${label}: ${(error as Error).message}`);
    throw error;
  }
}
