#!/usr/bin/env node
// The one test command (`npm test`): runs vitest (its global setup builds dist/ for the CLI tests) with its normal output plus a JSON report, and ends with the plain line
// `N passed, N failed[, N skipped]` that CI reads. Exit code is non-zero when anything failed or no
// test ran at all. Extra arguments go to vitest (e.g. `npm test -- test/db`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = join(root, 'test-results');
const reportFile = join(reportDir, 'vitest.json');
mkdirSync(reportDir, { recursive: true });
rmSync(reportFile, { force: true });

const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } },
);

let report;
try {
  report = JSON.parse(readFileSync(reportFile, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  console.error(`[test] vitest wrote no JSON report (exit ${vitest.status}); see its output above`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A test file that fails to load has no failed test but a failed suite: count it, or it would hide.
const failedFiles = (report.testResults ?? []).filter((file) => file.status === 'failed' && (file.assertionResults ?? []).every((a) => a.status !== 'failed')).length;
let failed = (report.numFailedTests ?? 0) + failedFiles;
// Vitest exits non-zero on unhandled errors (a crash outside any test): count that as a failure so the
// closing line agrees with the exit code.
if (failed === 0 && vitest.status !== 0) {
  console.error('[test] vitest reported errors outside the tests (see "Unhandled Errors" above)');
  failed = 1;
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 || vitest.status !== 0 ? 1 : 0);
