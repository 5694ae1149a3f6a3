// Runtime-neutral building blocks (Web APIs only). The fetch-handler wrapper lands with the edge issue.
export { resolveConfig, type ResolvedConfig } from './wrapper/config.ts';
export { installConsoleBridge, type ConsoleBridge, type ConsoleBridgeOptions } from './wrapper/console-bridge.ts';
export { formatArgs } from './wrapper/format-args.ts';
export type { ConsoleFormat, ObservabilityOptions } from './wrapper/options.ts';
