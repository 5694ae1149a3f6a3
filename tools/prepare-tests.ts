/**
 * `pretest` and `pretest:node22`: builds or installs, once, what the end-to-end tests run besides Node — the
 * OpenTelemetry Collector, VictoriaLogs, VictoriaMetrics and Jaeger (Go), AWS's Runtime Interface Emulator (Go)
 * and the real aws-lambda-ric (native) — so that `npm test` passes on a fresh clone as it is. Each is checked at
 * the path the tests read it from; one line per item; nothing runs when all are there (CI builds them first).
 *
 * A build that cannot start for a missing tool (the scripts exit 3: no Go, no cmake) is reported and skipped
 * locally, where the tests that need it skip with the same message; in CI it fails. Any other failure stops
 * `npm test`, with the end of the build's output. `FAAS_OBSERVABILITY_SKIP_PREPARE=1` skips this step.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COLLECTOR_BINARY } from './stack/collector.ts';
import { JAEGER_BINARY } from './stack/jaeger.ts';
import { VICTORIA_LOGS_BINARY } from './stack/victoria-logs.ts';
import { VICTORIA_METRICS_BINARY } from './stack/victoria-metrics.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface Prerequisite {
  readonly name: string;
  /** The npm script that builds or installs it (the one .ci/run calls). */
  readonly script: string;
  /** What the tests look for (absolute). */
  readonly path: string;
}

/** In the order .ci/run builds them; the paths are the ones test/helpers and the end-to-end tests read. */
export const PREREQUISITES: readonly Prerequisite[] = [
  { name: 'aws-lambda-ric', script: 'ric:install', path: join(ROOT, '.cache/ric/node_modules/aws-lambda-ric/index.mjs') },
  { name: 'OpenTelemetry Collector', script: 'collector:build', path: COLLECTOR_BINARY },
  { name: 'VictoriaLogs', script: 'victorialogs:build', path: VICTORIA_LOGS_BINARY },
  { name: 'VictoriaMetrics', script: 'victoriametrics:build', path: VICTORIA_METRICS_BINARY },
  { name: 'Jaeger', script: 'jaeger:build', path: JAEGER_BINARY },
  { name: 'Lambda Runtime Interface Emulator', script: 'rie:build', path: join(ROOT, '.cache/rie/aws-lambda-rie') },
];

/** The prerequisites not yet at their path. */
export function missing(prerequisites: readonly Prerequisite[] = PREREQUISITES): Prerequisite[] {
  return prerequisites.filter((item) => !existsSync(item.path));
}

function prepare(): number {
  if (process.env.FAAS_OBSERVABILITY_SKIP_PREPARE === '1') {
    console.log('prepare-tests: skipped (FAAS_OBSERVABILITY_SKIP_PREPARE=1)');
    return 0;
  }
  const todo = new Set(missing());
  for (const item of PREREQUISITES) {
    if (!todo.has(item)) {
      console.log(`prepare-tests: ${item.name}: cached`);
      continue;
    }
    const log = join(ROOT, '.cache', `prepare-${item.script.replace(':', '-')}.log`);
    process.stdout.write(`prepare-tests: ${item.name}: building (npm run ${item.script}, minutes; output in ${log}) … `);
    const started = Date.now();
    const run = spawnSync('npm', ['run', '--silent', item.script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    mkdirSync(join(ROOT, '.cache'), { recursive: true });
    writeFileSync(log, `${run.stdout ?? ''}${run.stderr ?? ''}`);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (run.status === 0 && existsSync(item.path)) {
      console.log(`done in ${seconds} s`);
    } else if (run.status === 3 && !process.env.CI) {
      // A missing tool (Go, cmake): the tests that need this skip locally and say which command to run.
      console.log(`skipped: ${(run.stderr ?? '').trim().split('\n').pop()}`);
    } else {
      console.log(`failed (exit ${run.status}) after ${seconds} s`);
      console.error(`${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n'));
      return 1;
    }
  }
  return 0;
}

if (import.meta.main) process.exitCode = prepare();
