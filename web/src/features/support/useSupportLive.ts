import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/**
 * Follows the support event stream (server-sent events) and refetches what changed: every query under
 * ['support'] and the inbox badge. EventSource reconnects by itself; each (re)connect refetches too,
 * so nothing missed while offline stays stale. Queries also poll slowly as a fallback.
 */
export function useSupportLive(url: '/api/me/support/events' | '/api/staff/support/events') {
  const qc = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(url, { withCredentials: true });
    const refresh = () => {
      void qc.invalidateQueries({ queryKey: ['support'] });
      void qc.invalidateQueries({ queryKey: ['unread'] });
    };
    source.addEventListener('ready', refresh);
    source.addEventListener('ticket', refresh);
    return () => source.close();
  }, [qc, url]);
}
