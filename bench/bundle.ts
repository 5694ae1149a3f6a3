import { build } from 'esbuild';
import { join } from 'node:path';

/** Bundles bench/variants/<name>.ts into `out` the way a Lambda deploy would be bundled; returns the file. */
export async function bundleVariant(out: string, variant: string): Promise<string> {
  const outfile = join(out, `${variant}.mjs`);
  await build({
    entryPoints: [join(import.meta.dirname, 'variants', `${variant}.ts`)],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'error',
    // The official exporters' CommonJS parts require Node built-ins; the banner is the same for every variant.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}
