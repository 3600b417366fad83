/** An error the command line reports as one line on stderr, with exit code 2, no stack trace. */
export class CliError extends Error {}
