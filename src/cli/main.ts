/** `spinelens <command>`: the command line over the same core the browser runs. */
import { IngestError } from '../core/ingest';
import { CliError } from './cliError';
import { inspect } from './inspect';

const usage = 'usage: spinelens inspect <files or folders...>';

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'inspect':
        return await inspect(rest);
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(`${usage}\n`);
        return command ? 0 : 2;
      default:
        throw new CliError(`unknown command "${command}"; ${usage}`);
    }
  } catch (e) {
    const known = e instanceof CliError || e instanceof IngestError;
    const message = e instanceof Error ? e.message : String(e);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') process.stderr.write(`spinelens: no such file or folder: ${(e as NodeJS.ErrnoException).path}\n`);
    else process.stderr.write(`spinelens: ${known ? message : `unexpected error: ${message}`}\n`);
    return 2;
  }
}
