export * from './lambda.ts';
export { resolveConfig, type ResolvedConfig } from './wrapper/config.ts';
export { formatArgs } from './wrapper/format-args.ts';
