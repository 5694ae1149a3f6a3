import type { ConfigEntry } from './config-entry.ts';

/** The redaction rows of the configuration reference (`CONFIG_REFERENCE`), in the order of docs/configuration.md. */
export const REDACTION: readonly ConfigEntry[] = [
  {
    option: 'redact',
    env: ['FAAS_OBSERVABILITY_REDACT'],
    default: 'true',
    meaning:
      'secrets are replaced in everything exported (log records, spans, the Loki and stdout fallbacks, metric attributes): values under secret keys, credential shapes, secret pairs inside text; `false` (or `redact: false`): off. See [redaction](redaction.md)',
  },
  {
    env: ['FAAS_OBSERVABILITY_REDACT_KEYS'],
    default: '—',
    meaning: 'comma-separated key names added to the default list (matched by word parts, any case); option `redact.keys`',
  },
  {
    env: ['FAAS_OBSERVABILITY_REDACT_DEFAULT_KEYS'],
    default: 'true',
    meaning: '`false`: only your keys count, the default list is dropped; option `redact.defaultKeys`',
  },
  {
    env: ['FAAS_OBSERVABILITY_REDACT_PATTERNS'],
    default: '—',
    meaning:
      'a JSON array of regular expressions (or one), every match replaced whatever its key; option `redact.patterns` (RegExp values)',
  },
  {
    env: ['FAAS_OBSERVABILITY_REDACT_DEFAULT_PATTERNS'],
    default: 'true',
    meaning:
      '`false`: the built-in credential shapes (Bearer, Basic, JWT, AWS secret key, private key block, GitHub/Slack/Stripe/Google keys) are not searched; option `redact.defaultPatterns`',
  },
  {
    env: ['FAAS_OBSERVABILITY_REDACT_REPLACEMENT'],
    default: '`[REDACTED]`',
    meaning:
      "what a secret is replaced with (query parameters in `url.full` keep the conventions' `REDACTED`); option `redact.replacement`",
  },
  {
    env: ['FAAS_OBSERVABILITY_REDACT_STDOUT'],
    default: 'false',
    meaning:
      '`true`: the line a console call prints is redacted too (by default it stays as you wrote it: it is your own output, captured by the platform as before); option `redact.stdout`. Option only: `redact.decide`, a function with the last word on each value',
  },
];
