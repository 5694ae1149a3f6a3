/**
 * What CloudWatch accepts in an embedded metric format (EMF) document: the limits of the specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
 * and the name rules of the CloudWatch API it publishes through
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html, API_MetricDatum.html).
 */

/** "This array MUST NOT contain more than 100 MetricDefinition objects." */
export const MAX_METRICS_PER_DOCUMENT = 100;
/** A DimensionSet holds at most 30 keys (it was 9; CloudWatch metrics take 30 dimensions, API_Metric.html). */
export const MAX_DIMENSIONS = 30;
/** The namespace used when the one given cannot be: the library's name. */
export const DEFAULT_NAMESPACE = 'faas-observability';

const MAX_NAME_LENGTH = 255;
const MAX_DIMENSION_VALUE_LENGTH = 1024;
// Printable ASCII with something in it but spaces: what API_Dimension.html asks of names and values.
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const NOT_BLANK = /\S/;
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Namespace : alphanumerics,
// period, hyphen, underscore, slash, hash, colon and space; AWS/ is the services' own.
const NAMESPACE_CHARACTERS = /^[0-9A-Za-z._\-/#: ]+$/;

/**
 * The namespace to write: the one given when CloudWatch takes it (1 to 255 characters, as the specification's
 * JSON Schema and PutMetricData have it; its allowed characters; not `AWS/…`; not starting with a colon), else
 * the default with the reason (a setting is never a throw into the user's function).
 *
 * @example
 * checkNamespace('AWS/Lambda'); // { namespace: 'faas-observability', reason: 'the namespace "AWS/Lambda" … ' }
 */
export function checkNamespace(namespace: string): { readonly namespace: string; readonly reason?: string } {
  const problem =
    namespace.length === 0 || !NOT_BLANK.test(namespace)
      ? 'is empty'
      : namespace.length > MAX_NAME_LENGTH
        ? `is longer than ${MAX_NAME_LENGTH} characters`
        : !NAMESPACE_CHARACTERS.test(namespace)
          ? 'has characters CloudWatch does not take (letters, digits, . - _ / # : and space only)'
          : namespace.startsWith('AWS/')
            ? 'starts with AWS/, which CloudWatch keeps for AWS services'
            : namespace.startsWith(':')
              ? 'starts with a colon'
              : undefined;
  if (problem === undefined) return { namespace };
  const shown = namespace.length > 60 ? `${namespace.slice(0, 60)}…` : namespace;
  return {
    namespace: DEFAULT_NAMESPACE,
    reason: `the EMF namespace ${JSON.stringify(shown)} ${problem}: "${DEFAULT_NAMESPACE}" used instead`,
  };
}

/** A metric name CloudWatch and the specification's schema take (1 to 255 printable ASCII characters, not `_aws`). */
export function isMetricName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && PRINTABLE_ASCII.test(name) && NOT_BLANK.test(name) && name !== '_aws';
}

/** A dimension name CloudWatch takes: 1 to 255 printable ASCII characters, not starting with a colon, not `_aws`. */
export function isDimensionName(name: string): boolean {
  return isMetricName(name) && !name.startsWith(':');
}

/** A dimension value CloudWatch takes: 1 to 1024 printable ASCII characters, not all spaces. */
export function isDimensionValue(value: string): boolean {
  return value.length <= MAX_DIMENSION_VALUE_LENGTH && PRINTABLE_ASCII.test(value) && NOT_BLANK.test(value);
}

// The units a MetricDefinition may name (API_MetricDatum.html, and the pattern of the specification's schema).
const CLOUDWATCH_UNITS = new Set(
  'Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits Megabits Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second Gigabytes/Second Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second Terabits/Second Count/Second None'.split(
    ' ',
  ),
);

// OpenTelemetry units are UCUM (https://opentelemetry.io/docs/specs/semconv/general/metrics/#instrument-units);
// only those with the same meaning in CloudWatch are mapped (CloudWatch does not say whether its kilo is 1000 or 1024).
const UCUM_UNITS: Record<string, string> = {
  s: 'Seconds',
  ms: 'Milliseconds',
  us: 'Microseconds',
  By: 'Bytes',
  bit: 'Bits',
  '%': 'Percent',
  'By/s': 'Bytes/Second',
  'bit/s': 'Bits/Second',
  '1': 'None', // a ratio or a plain number, not a count of things
};

/**
 * The CloudWatch unit of an OpenTelemetry unit: seconds, milliseconds, microseconds, bytes, bits, percent and
 * their rates by name; an annotation (`{request}`) is a `Count` (`{request}/s` a `Count/Second`); a CloudWatch
 * unit passes as it is; anything else (`ns`, `Cel`, `kBy`, `1`) is `None`, the value unchanged.
 *
 * @example
 * cloudWatchUnit('{invocation}'); // 'Count'
 */
export function cloudWatchUnit(unit: string): string {
  if (Object.hasOwn(UCUM_UNITS, unit)) return UCUM_UNITS[unit]!;
  if (CLOUDWATCH_UNITS.has(unit)) return unit;
  if (/^\{[^{}]*\}$/.test(unit)) return 'Count';
  if (/^\{[^{}]*\}\/s$/.test(unit)) return 'Count/Second';
  return 'None';
}
