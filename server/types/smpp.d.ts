// The smpp package (node-smpp) ships no types. These cover the part we use: client sessions, the
// test server, PDUs with their fields, and the command status constants. PDU fields follow SMPP 3.4
// names (system_id, short_message, message_payload, …); values the library decodes are loosely typed.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';

  export interface Pdu {
    command: string;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    response(fields?: Record<string, unknown>): Pdu;
  }

  export type PduCallback = (pdu: Pdu) => void;

  export interface Session extends EventEmitter {
    connect(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    send(pdu: Pdu, responseCallback?: PduCallback, sendCallback?: () => void): boolean;
    bind_transceiver(fields: Record<string, unknown>, callback?: PduCallback): boolean;
    submit_sm(fields: Record<string, unknown>, callback?: PduCallback): boolean;
    deliver_sm(fields: Record<string, unknown>, callback?: PduCallback): boolean;
    deliver_sm_resp(fields?: Record<string, unknown>): boolean;
    enquire_link(fields?: Record<string, unknown>, callback?: PduCallback): boolean;
    unbind(fields?: Record<string, unknown> | PduCallback, callback?: PduCallback): boolean;
    [command: string]: unknown;
  }

  export interface Server extends EventEmitter {
    listen(port: number, host: string, callback?: () => void): void;
    close(callback?: () => void): void;
    address(): AddressInfo | string | null;
  }

  /** The library's text codecs: ASCII is the GSM 03.38 default alphabet (unpacked), UCS2 is UTF-16BE. */
  export interface Codec {
    match(text: string): boolean;
    encode(text: string): Buffer;
    decode(bytes: Buffer): string;
  }
  export const encodings: { ASCII: Codec; UCS2: Codec; LATIN1: Codec };

  export function connect(options: { url: string; auto_enquire_link_period?: number }, listener?: () => void): Session;
  export function createServer(listener: (session: Session) => void): Server;

  export const ESME_ROK: number;
  export const ESME_RBINDFAIL: number;
  export const ESME_RSYSERR: number;
  export const ESME_RINVMSGLEN: number;
  export const ESME_RTHROTTLED: number;
  export const ESME_RMSGQFUL: number;
  export const ESME_RX_T_APPN: number;

  const smpp: {
    connect: typeof connect;
    createServer: typeof createServer;
    ESME_ROK: number;
    ESME_RBINDFAIL: number;
    ESME_RSYSERR: number;
    ESME_RINVMSGLEN: number;
    ESME_RTHROTTLED: number;
    ESME_RMSGQFUL: number;
    ESME_RX_T_APPN: number;
    encodings: typeof encodings;
    /** The library's PDU definitions (command → params with their wire types). */
    commands: unknown;
    [name: string]: unknown;
  };
  export default smpp;
}
