// API report of faas-observability/lambda/preload (lib/lambda-preload.d.ts): npm run api:update writes it.
// Exported: nothing

