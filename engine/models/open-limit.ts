/**
 * The open-model scheduler's ceiling per generator thread: the most arrivals
 * per second one thread is asked to start. `npm run bench:micro` measures the
 * scheduler with an empty operation at about 2.0M starts/s on the 2-core build
 * machine (2026-11-25); half of it leaves the schedule, not the scheduler, in
 * charge. A higher rate is refused before anything starts, with the number of
 * threads (`--workers`) it needs.
 */
export const MAX_OPEN_RATE_PER_THREAD = 1_000_000;
