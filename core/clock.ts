/**
 * The engine's one clock: microseconds since the Unix epoch, as a double.
 *
 * performance.now() is monotonic and sub-microsecond; adding timeOrigin makes
 * the value comparable across worker threads of one process (each thread has
 * its own timeOrigin). A double holds epoch microseconds exactly (< 2^53).
 * No allocation: this is called twice per operation on the hot path.
 */
const origin = performance.timeOrigin;

export function nowUs(): number {
  return (origin + performance.now()) * 1000;
}
