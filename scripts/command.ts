/** One CLI command: `bellyfed-bench <name> ...`. `run` returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}
