// Moved to src/cli/ (shipped with the package for `faas-observability invoke`); kept for existing imports.
export * from '../src/cli/otlp-attributes.ts';
