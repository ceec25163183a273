/**
 * Errors a user can fix. The CLI prints the message as one line, with no stack
 * trace, and exits with code 2. The message names what is wrong and how to fix it.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A failure of the thing measured (a threshold, a gate): exit code 1, no stack trace. */
export class FailedError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "FailedError";
  }
}

/** Removes passwords and secret keys from any text before it is printed. */
export function redact(text: string): string {
  return text
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi, "$1***@")
    .replace(/(password\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, "$1***")
    .replace(/(aws_secret_access_key\s*[=:]\s*)\S+/gi, "$1***")
    .replace(/(aws_session_token\s*[=:]\s*)\S+/gi, "$1***")
    .replace(/(secretAccessKey["']?\s*[=:]\s*["']?)[^"',\s}]+/g, "$1***");
}

/** A JSON.parse error as one line of at most 120 characters (V8 quotes the text, newlines included). */
export function jsonProblem(e: unknown): string {
  const one = String((e as Error).message ?? e)
    .replace(/\s+/g, " ")
    .trim();
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}
