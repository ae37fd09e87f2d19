import './i18n';

import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { useSupportUnread } from './api';
import { useSupportLive } from './useSupportLive';

/**
 * The cabinet menu's badge for "Обратная связь": unread answers from support. It also keeps the
 * cabinet's live stream open, so answers appear on any cabinet page without a reload.
 */
export function SupportNavBadge() {
  const { t } = useTranslation();
  useSupportLive('/api/me/support/events');
  const unread = useSupportUnread();
  if (!unread.data) return null;
  return (
    <Badge
      size="sm"
      circle
      color="red"
      aria-label={t('support.unreadBadge', { count: unread.data })}
      data-testid="support-unread"
    >
      {unread.data}
    </Badge>
  );
}
