// The smpp package ships no types; we use a small part of it (connect, createServer, sessions).
declare module 'smpp' {
  const smpp: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  export default smpp;
}
