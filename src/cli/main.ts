/** `spinelens <command>`: the command line over the same core the browser runs. */
import { IngestError } from '../core/ingest';
import { PipelineError } from '../core/pipeline/analyze';
import { ModelCheckError } from '../core/pipeline/modelCard';
import { CliError } from './cliError';
import { inspect } from './inspect';
import { analyzeUsage, inspectUsage } from './usage';

const usage = `usage: ${inspectUsage}\n       ${analyzeUsage}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'inspect':
        return await inspect(rest);
      case 'analyze':
        // Loaded on demand: onnxruntime-node takes a moment to load and inspect does not need it.
        return await (await import('./analyze')).analyzeCommand(rest);
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(`${usage}\n`);
        return command ? 0 : 2;
      default:
        throw new CliError(`unknown command "${command}"; ${usage}`);
    }
  } catch (e) {
    // Known failures (bad input, no CT, no spine, missing or mismatched models): one line, exit 2.
    const known = e instanceof CliError || e instanceof IngestError || e instanceof ModelCheckError || e instanceof PipelineError;
    const message = e instanceof Error ? e.message : String(e);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') process.stderr.write(`spinelens: no such file or folder: ${(e as NodeJS.ErrnoException).path}\n`);
    else process.stderr.write(`spinelens: ${known ? message : `unexpected error: ${message}`}\n`);
    return 2;
  }
}
