import '../services/i18n';

import { AppShell, Badge, Burger, Button, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';

import { useSignOut } from '../../app/session';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { SupportNavBadge } from '../support/SupportNavBadge';
import { useUnread } from './useOverview';

/** Sections of the cabinet; add a page here and in CabinetRoutes. */
export const SECTIONS = [
  { to: '/cabinet', key: 'info' },
  { to: '/cabinet/services', key: 'services' },
  { to: '/cabinet/payments', key: 'payments' },
  { to: '/cabinet/stats', key: 'stats' },
  { to: '/cabinet/sessions', key: 'sessions' },
  { to: '/cabinet/profile', key: 'profile' },
  { to: '/cabinet/notifications', key: 'notifications' },
  { to: '/cabinet/promotions', key: 'promotions' },
  { to: '/cabinet/suspension', key: 'suspension' },
  { to: '/cabinet/mobile', key: 'mobile' },
  { to: '/cabinet/feedback', key: 'feedback' },
] as const;

export function CabinetLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const unread = useUnread();
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            <Text fw={800} c="blue.8" size="lg" component={Link} to="/cabinet" style={{ textDecoration: 'none' }}>
              {t('brand')}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch />
            <Button variant="default" size="compact-sm" onClick={() => void signOut().then(() => navigate('/'))}>
              {t('common.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.menu')}>
        {SECTIONS.map((s) => (
          <NavLink
            key={s.key}
            component={Link}
            to={s.to}
            label={t(`nav.${s.key}`)}
            active={location.pathname === s.to || (s.to !== '/cabinet' && location.pathname.startsWith(`${s.to}/`))}
            onClick={close}
            rightSection={
              s.key === 'notifications' && unread.data ? (
                <Badge size="sm" circle aria-label={String(unread.data)}>
                  {unread.data}
                </Badge>
              ) : s.key === 'feedback' ? (
                <SupportNavBadge />
              ) : null
            }
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
