import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// vitest runs the tests through esbuild, which strips types without checking them, and the build
// (tsconfig.build.json) leaves the tests out: only this keeps the tests' own types honest.
describe('TypeScript', () => {
  it('typechecks the sources and the tests in strict mode (tsconfig.json)', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--noEmit', '--pretty', 'false'], { cwd: root, maxBuffer: 16 * 1024 * 1024 }).then(
      (out) => ({ code: 0, output: out.stdout + out.stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(result.output.trim()).toBe('');
    expect(result.code).toBe(0);
  }, 240_000);
});
