import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { UsageError } from "../../core/errors.ts";

/** Defaults shared with docker-compose.yml; another free port is taken when one is busy. */
export const DEFAULT_PG_PORT = 55432;
export const DEFAULT_DYNAMO_PORT = 58000;

/** Resolves true when nothing listens on 127.0.0.1:port and we may bind it. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () =>
      server.close(() => done(true)),
    );
  });
}

/** A free loopback port chosen by the OS. */
export function anyFreePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export async function pickPort(preferred: number): Promise<number> {
  return (await portIsFree(preferred)) ? preferred : anyFreePort();
}

/** Resolves true when something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

/** Inodes of the TCP sockets listening on `port` (any address), from /proc/net/tcp{,6}. */
function listeningInodes(port: number): Set<string> | undefined {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set<string>();
  let readable = false;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    readable = true;
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is f[1] ("0100007F:D8CD"), st is f[3] ("0A" = LISTEN), inode is f[9]
      if (f.length > 9 && f[3] === "0A" && f[1].endsWith(hexPort)) inodes.add(f[9]);
    }
  }
  return readable ? inodes : undefined;
}

/**
 * Whether process `pid` holds the socket listening on TCP `port`: true or
 * false where the platform tells (Linux: /proc/net/tcp's inode among
 * /proc/PID/fd; elsewhere lsof), undefined where it does not (no /proc and no
 * lsof, or another user's process we may not inspect).
 */
export function listensOn(pid: number, port: number): boolean | undefined {
  const inodes = process.platform === "linux" ? listeningInodes(port) : undefined;
  if (inodes) {
    if (inodes.size === 0) return false;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "ENOENT" ? false : undefined;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return true;
      } catch {}
    }
    return false;
  }
  // lsof: -a joins the conditions; exit 0 with the pid when it listens, 1 when not
  const out = spawnSync(
    "lsof",
    ["-nP", "-a", "-p", String(pid), `-iTCP:${port}`, "-sTCP:LISTEN", "-t"],
    { encoding: "utf8" },
  );
  if (out.error) return undefined;
  return out.stdout.trim().split("\n").includes(String(pid));
}

/**
 * A server lost the bind on its port (another program took it between the
 * check and the bind). One line as it stands; `services up` tries a free port
 * instead when the port was not asked for.
 */
export class PortTakenError extends UsageError {
  constructor(
    readonly port: number,
    flag: string,
  ) {
    super(`port ${port} is taken; pass ${flag} with a free port, or stop what listens there`);
  }
}
