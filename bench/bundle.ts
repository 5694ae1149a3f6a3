import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleLambda, outputFiles, sizeOf } from '../tools/build-artifacts.ts';

/** A bundled variant: its entry file, what a cold start loads (entry + static chunks) and every code file. */
export interface VariantBundle {
  readonly outfile: string;
  readonly coldStart: { readonly bytes: number; readonly gzipBytes: number };
  readonly total: { readonly bytes: number; readonly gzipBytes: number };
}

/**
 * Bundles bench/variants/<name>.ts into `<out>/<name>/<name>.mjs` (and its chunks) exactly as a Lambda deploy
 * artifact is built (tools/build-artifacts.ts: code splitting, the require banner where needed), with its sizes.
 */
export async function bundleVariantSized(out: string, variant: string): Promise<VariantBundle> {
  const dir = join(out, variant);
  rmSync(dir, { recursive: true, force: true });
  const metafile = await bundleLambda(join(import.meta.dirname, 'variants', `${variant}.ts`), dir, variant);
  const outfile = join(dir, `${variant}.mjs`);
  const { coldStart, lazy } = outputFiles(metafile, outfile);
  return { outfile, coldStart: sizeOf(coldStart), total: sizeOf([...coldStart, ...lazy]) };
}

/** Bundles a variant as above; returns its entry file. */
export async function bundleVariant(out: string, variant: string): Promise<string> {
  return (await bundleVariantSized(out, variant)).outfile;
}
