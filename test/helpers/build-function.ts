import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArtifact, findFunctions, type Artifact } from '../../tools/build-artifacts.ts';

/**
 * Builds `test/e2e/fixtures/<fixture>/handler.ts` as a Lambda deploy artifact into a temporary folder of its
 * own (suites running side by side never share a build), as build.mjs builds the examples.
 *
 * @example
 * const { dir } = await buildFixtureFunction('burst');
 */
export function buildFixtureFunction(fixture: string): Promise<Artifact> {
  return buildArtifact(
    { name: fixture, kind: 'lambda', entry: `test/e2e/fixtures/${fixture}/handler.ts` },
    mkdtempSync(join(tmpdir(), `${fixture}-`)),
  );
}

/**
 * Builds the example `functions/<name>` as build.mjs does, into a temporary folder of its own.
 *
 * @example
 * const { dir } = await buildExampleFunction('orders-api');
 */
export function buildExampleFunction(name: string): Promise<Artifact> {
  return buildArtifact(findFunctions([name])[0]!, mkdtempSync(join(tmpdir(), `${name}-`)));
}
