import { sql } from 'drizzle-orm';

/** Columns of a session as the views show it (radius_sessions s, nas n left-joined by address). */
export const sessionColumns = sql`s.id, coalesce(n.name, host(s.nas_address)) as nas, s.username,
  host(s.framed_ip) as framed_ip, s.calling_station_id as mac, s.started_at, s.updated_at, s.stopped_at,
  s.session_seconds, s.output_bytes as download, s.input_bytes as upload, s.terminate_cause`;

export interface SessionRow {
  id: number;
  nas: string;
  username: string;
  framed_ip: string | null;
  mac: string | null;
  started_at: Date | string;
  updated_at: Date | string;
  stopped_at: Date | string | null;
  session_seconds: number;
  download: number;
  upload: number;
  terminate_cause: string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

export function toSessionView(r: SessionRow) {
  return {
    id: Number(r.id),
    nas: r.nas,
    username: r.username,
    framedIp: r.framed_ip,
    mac: r.mac,
    startedAt: iso(r.started_at),
    updatedAt: iso(r.updated_at),
    stoppedAt: r.stopped_at ? iso(r.stopped_at) : null,
    seconds: Number(r.session_seconds),
    downloadBytes: Number(r.download),
    uploadBytes: Number(r.upload),
    terminateCause: r.terminate_cause,
  };
}

/** An open session still reported within 3 interim intervals counts as online. */
export function onlineCondition(interimSeconds: number) {
  return sql`s.stopped_at is null and s.updated_at > now() - make_interval(secs => ${interimSeconds * 3})`;
}
