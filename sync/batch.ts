/**
 * Lookups coalesced into one query: the requests of one turn of the event
 * loop go together, and requests arriving while `lanes` queries are in
 * flight wait and go together in the next one (up to `maxKeys` keys). At a
 * trickle a request goes alone, at the end of its turn; under a backlog one
 * query serves many transactions, so the projector's PostgreSQL round trips
 * per change fall as the load rises (DataLoader's idea, batched by the tick
 * and by what is in flight).
 */
export class Batcher<K, V> {
  private pending: {
    keys: readonly K[];
    resolve: (m: Map<K, V>) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private inFlight = 0;

  constructor(
    /** the values of these (distinct) keys; a key missing from the map has none */
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly lanes = 1,
    private readonly maxKeys = 512,
  ) {}

  /** queries sent, and the requests they served */
  queries = 0;
  requests = 0;
  private scheduled = false;

  /** The values of `keys` (the map may hold other requests' keys too). */
  get(keys: readonly K[]): Promise<Map<K, V>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ keys, resolve, reject });
      this.requests++;
      // sent once this turn of the event loop is over: the requests of the
      // transactions a single answer released (a visibility check, a
      // recompute) arrive in the same turn, and go together
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.lanes && this.pending.length > 0) {
      const keys = new Set<K>();
      let n = 0;
      while (n < this.pending.length && (n === 0 || keys.size < this.maxKeys)) {
        for (const k of this.pending[n].keys) keys.add(k);
        n++;
      }
      const batch = this.pending.splice(0, n);
      this.inFlight++;
      this.queries++;
      this.fetch([...keys]).then(
        (m) => {
          this.inFlight--;
          for (const r of batch) r.resolve(m);
          this.pump();
        },
        (e) => {
          this.inFlight--;
          for (const r of batch) r.reject(e);
          this.pump();
        },
      );
    }
  }
}
