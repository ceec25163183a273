/**
 * A common start for steps that run at the same time (a mix): each step
 * arrives once its generators are prepared (connections open, setup done) and
 * waits until every step has arrived, so one scenario's setup never lands in
 * another's measured seconds. A step that fails before arriving breaks the
 * barrier: the others stop waiting and fail with the same error.
 */
export interface StartBarrier {
  /** resolves when every party has arrived; rejects when the barrier is broken */
  arrive(): Promise<void>;
  /** a party failed before arriving: release the others with this error */
  fail(error: unknown): void;
}

export function startBarrier(parties: number): StartBarrier {
  let arrived = 0;
  let release!: () => void;
  let broken!: (e: unknown) => void;
  const all = new Promise<void>((resolve, reject) => {
    release = resolve;
    broken = reject;
  });
  all.catch(() => {}); // a broken barrier with nobody waiting is not an unhandled rejection
  return {
    arrive() {
      if (++arrived >= parties) release();
      return all;
    },
    fail(error) {
      broken(error);
    },
  };
}
