// Prints `N passed, N failed[, N skipped]` from vitest's JSON report. Exits 1
// when the report is missing or counts no test, so an empty run is visible.
import { existsSync, readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'reports/vitest.json';
if (!existsSync(path)) {
  console.log('0 passed, 1 failed');
  console.error(`summary: no test report at ${path} (the build or test run failed before vitest wrote it).`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(path, 'utf8'));
const passed = report.numPassedTests ?? 0;
// A test file that fails to load has no test results of its own: count it as one failure.
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(passed > 0 ? 0 : 1);
