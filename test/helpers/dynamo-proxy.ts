import { createServer, request, type Server } from "node:http";

/**
 * A fault-injecting proxy in front of real DynamoDB Local: it answers some
 * BatchWriteItem calls with a throttling error, and forwards only half of the
 * items of others, handing the rest back as UnprocessedItems (as the service
 * does under pressure). The real server writes what it gets and reports the
 * capacity it consumed, which the proxy sums in `seen`.
 */

export interface Faults {
  /** BatchWriteItem calls (1-based) answered with ProvisionedThroughputExceededException */
  throttle: Set<number>;
  /** forward only the first half of each call's items */
  halve: boolean;
  /** hand back every item unprocessed, forwarding nothing */
  refuseAll?: boolean;
  /** answer every call with this error type (HTTP 400) */
  error?: string;
}

export interface Seen {
  calls: number;
  /** the capacity the real server reported, by table and table/index */
  capacity: Record<string, number>;
  capacityTotal: number;
}

export function proxy(upstream: string, faults: Faults, seen: Seen): Promise<Server> {
  const up = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      const isBatch = req.headers["x-amz-target"] === "DynamoDB_20120810.BatchWriteItem";
      let withheld: Record<string, unknown[]> = {};
      if (isBatch) {
        seen.calls++;
        const error =
          faults.error ??
          (faults.throttle.has(seen.calls) ? "ProvisionedThroughputExceededException" : undefined);
        if (error) {
          res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
          res.end(
            JSON.stringify({
              __type: `com.amazonaws.dynamodb.v20120810#${error}`,
              message: "injected by the test proxy",
            }),
          );
          return;
        }
        const input = JSON.parse(body.toString("utf8"));
        if (faults.refuseAll) {
          res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
          res.end(JSON.stringify({ UnprocessedItems: input.RequestItems }));
          return;
        }
        if (faults.halve) {
          for (const [t, reqs] of Object.entries(input.RequestItems as Record<string, unknown[]>)) {
            if (reqs.length < 2) continue;
            const keep = Math.ceil(reqs.length / 2);
            withheld[t] = reqs.slice(keep);
            input.RequestItems[t] = reqs.slice(0, keep);
          }
          body = Buffer.from(JSON.stringify(input));
        }
      }
      const headers = { ...req.headers, "content-length": String(body.length), host: up.host };
      const fwd = request(
        { host: up.hostname, port: up.port, path: req.url, method: req.method, headers },
        (upRes) => {
          const out: Buffer[] = [];
          upRes.on("data", (c: Buffer) => out.push(c));
          upRes.on("end", () => {
            let text = Buffer.concat(out).toString("utf8");
            if (isBatch && upRes.statusCode === 200) {
              const parsed = JSON.parse(text);
              for (const c of parsed.ConsumedCapacity ?? []) {
                seen.capacityTotal += c.CapacityUnits ?? 0;
                const t = c.TableName;
                seen.capacity[t] = (seen.capacity[t] ?? 0) + (c.Table?.CapacityUnits ?? 0);
                for (const [ix, g] of Object.entries(
                  (c.GlobalSecondaryIndexes ?? {}) as Record<string, { CapacityUnits: number }>,
                )) {
                  seen.capacity[`${t}/${ix}`] =
                    (seen.capacity[`${t}/${ix}`] ?? 0) + g.CapacityUnits;
                }
              }
              if (Object.keys(withheld).length > 0) {
                parsed.UnprocessedItems = { ...(parsed.UnprocessedItems ?? {}), ...withheld };
                withheld = {};
              }
              text = JSON.stringify(parsed);
            }
            const h = { ...upRes.headers };
            delete h["content-length"];
            delete h["x-amz-crc32"];
            res.writeHead(upRes.statusCode ?? 500, h);
            res.end(text);
          });
        },
      );
      fwd.on("error", (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      fwd.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
