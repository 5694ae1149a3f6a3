declare module 'snappyjs' {
  const snappy: {
    uncompress(input: Uint8Array | ArrayBuffer): Uint8Array;
    compress(input: Uint8Array | ArrayBuffer): Uint8Array;
  };
  export default snappy;
}
