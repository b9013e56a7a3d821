import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ once before the suites: the CLI tests run the compiled `docintel` bin exactly as a user
 * does (and measure its start-up time), so it must match the sources under test.
 */
export default function setup(): void {
  if (process.env.DOCINTEL_SKIP_BUILD === '1') return;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
