/**
 * Ctrl-C stops a measurement like an abortOnFail threshold: `work` gets a
 * signal that aborts on the first SIGINT (its partial result is still
 * written, and the caller exits 130); a second Ctrl-C exits at once.
 */
export async function untilInterrupted<T>(
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ value: T; interrupted: boolean }> {
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(130);
    process.stderr.write("\nstopping (Ctrl-C again to quit at once)...\n");
    interrupt.abort("interrupted (SIGINT)");
  };
  process.on("SIGINT", onSigint);
  try {
    const value = await work(interrupt.signal);
    return { value, interrupted: interrupt.signal.aborted };
  } finally {
    process.off("SIGINT", onSigint);
  }
}
