import type { OtlpAnswer, PartialSuccess } from './partial-success.ts';

/**
 * Reads partial_success like `sumPartialSuccess`, loading its code only when some answer has a body. A
 * collector that kept everything answers with an empty Export{Trace,Logs,Metrics}ServiceResponse,
 * which encodes to no bytes (https://protobuf.dev/programming-guides/encoding/): such answers have no
 * partial_success, so the common export never loads the reader, and on Lambda it is a chunk a cold start
 * does not load. Should the import fail, the export stays the success it was.
 *
 * @example
 * await readPartialSuccessLazily([{ body: new Uint8Array(), contentType: 'application/x-protobuf' }]); // undefined
 */
export async function readPartialSuccessLazily(answers: readonly OtlpAnswer[]): Promise<PartialSuccess | undefined> {
  if (!answers.some((answer) => answer?.body !== undefined && answer.body.length > 0)) return undefined;
  try {
    return (await import('./partial-success.ts')).sumPartialSuccess(answers);
  } catch {
    return undefined;
  }
}
