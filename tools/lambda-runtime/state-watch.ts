// Moved to src/cli/lambda-runtime/ (shipped with the package for `faas-observability invoke`); kept for existing imports.
export * from '../../src/cli/lambda-runtime/state-watch.ts';
