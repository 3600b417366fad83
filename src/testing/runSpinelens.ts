/** Runs the real `spinelens` bin script as a user would, for the command-line tests. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const bin = new URL('../../bin/spinelens.mjs', import.meta.url).pathname;

export async function runSpinelens(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
