/** An error the CLI reports as one line (no stack) with the exit code of SPEC CLI-2. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}
