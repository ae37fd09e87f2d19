import '../services/i18n';
import './account-i18n';
import '../bulk/i18n';
import '../outages/i18n';

import { AppShell, Burger, Button, Center, Group, Loader, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';

import type { StaffRole } from '../../api/schema';
import { useMe, useSignOut } from '../../app/session';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { BulkOperationPage } from '../bulk/BulkOperationPage';
import { BulkPage } from '../bulk/BulkPage';
import { NewBulkPage } from '../bulk/NewBulkPage';
import { FinancePage } from '../finance/FinancePage';
import { ReceiptsPage } from '../finance/ReceiptsPage';
import { ReconciliationPage } from '../finance/ReconciliationPage';
import { ReportsPage } from '../finance/ReportsPage';
import { ImportPage } from '../import/ImportPage';
import { NasPage } from '../network/NasPage';
import { OnlinePage } from '../network/OnlinePage';
import { OutagePage } from '../outages/OutagePage';
import { OutagesPage } from '../outages/OutagesPage';
import { RegionsPage } from '../regions/RegionsPage';
import { CatalogPage } from '../services/staff/CatalogPage';
import { MobileQueuePage } from '../services/staff/MobileQueuePage';
import { PromotionsAdminPage } from '../services/staff/PromotionsAdminPage';
import { SuspensionQueuePage } from '../services/staff/SuspensionQueuePage';
import { VisitsQueuePage } from '../services/staff/VisitsQueuePage';
import { AccountCard } from './AccountCard';
import { AuditPage } from './AuditPage';
import { JobsPage } from './JobsPage';
import { SearchPage } from './SearchPage';
import { SignContractPage } from './SignContractPage';
import { StaffAccountPage } from './StaffAccountPage';
import { StaffForcedSetup } from './StaffForcedSetup';
import { StaffLogin } from './StaffLogin';
import { StaffResetPage } from './StaffResetPage';
import { StaffUsersPage } from './StaffUsersPage';

/** Sections of the services area (texts in features/services/i18n.ts). */
const SERVICE_KEYS = { suspensions: 1, mobileRequests: 1, visits: 1, catalog: 1, promotions: 1 };
const NAV: { to: string; key: string; roles: StaffRole[] }[] = [
  { to: '/staff', key: 'search', roles: ['admin', 'operator', 'support', 'finance'] },
  { to: '/staff/contracts/new', key: 'sign', roles: ['admin', 'operator'] },
  { to: '/staff/suspensions', key: 'suspensions', roles: ['admin', 'operator', 'support'] },
  { to: '/staff/mobile-requests', key: 'mobileRequests', roles: ['admin', 'operator', 'support'] },
  { to: '/staff/visits', key: 'visits', roles: ['admin', 'operator', 'support'] },
  { to: '/staff/outages', key: 'outages', roles: ['admin', 'operator', 'support', 'finance'] },
  { to: '/staff/bulk', key: 'bulk', roles: ['admin', 'operator', 'finance'] },
  { to: '/staff/finance', key: 'finance', roles: ['admin', 'finance'] },
  { to: '/staff/receipts', key: 'receipts', roles: ['admin', 'finance'] },
  { to: '/staff/reports', key: 'reports', roles: ['admin', 'finance'] },
  { to: '/staff/reconciliation', key: 'reconciliation', roles: ['admin', 'finance'] },
  { to: '/staff/online', key: 'online', roles: ['admin', 'operator', 'support'] },
  { to: '/staff/nas', key: 'nas', roles: ['admin'] },
  { to: '/staff/regions', key: 'regions', roles: ['admin'] },
  { to: '/staff/users', key: 'users', roles: ['admin'] },
  { to: '/staff/catalog', key: 'catalog', roles: ['admin'] },
  { to: '/staff/promotions', key: 'promotions', roles: ['admin', 'operator', 'support', 'finance'] },
  { to: '/staff/audit', key: 'audit', roles: ['admin'] },
  { to: '/staff/jobs', key: 'jobs', roles: ['admin'] },
  { to: '/staff/import', key: 'import', roles: ['admin'] },
  { to: '/staff/support', key: 'support', roles: ['admin', 'support'] },
  { to: '/staff/support/settings', key: 'supportSettings', roles: ['admin'] },
  { to: '/staff/support/report', key: 'supportReport', roles: ['admin'] },
  { to: '/staff/account', key: 'account', roles: ['admin', 'operator', 'support', 'finance'] },
];

// The support desk is its own chunk (its texts and pages load on first use).
const SupportStaffRoutes = lazy(() => import('../support/SupportStaffRoutes'));

/** The back office. Sections are shown by role; the server enforces the same rules. */
export default function StaffRoutes() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const [opened, { toggle, close }] = useDisclosure();
  if (me.isLoading)
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  if (location.pathname === '/staff/reset') return <StaffResetPage />;
  if (location.pathname === '/staff/login' || !me.data || me.data.type !== 'staff') {
    return (
      <Routes>
        <Route path="login" element={<StaffLogin />} />
        <Route path="*" element={<Navigate to="/staff/login" replace />} />
      </Routes>
    );
  }
  // An initial password to change, or TOTP the role requires: nothing else until done (the server agrees).
  if (me.data.staff.mustChangePassword || me.data.staff.totpSetupRequired)
    return <StaffForcedSetup staff={me.data.staff} />;
  const role = me.data.staff.role;
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            <Text fw={800} c="blue.8">
              {t('brand')} · {t(`staff.role.${role}`)}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch />
            <Button
              variant="default"
              size="compact-sm"
              onClick={() => void signOut().then(() => navigate('/staff/login'))}
            >
              {t('common.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      {/* Scrolls on its own: an admin's sections are taller than a laptop screen. */}
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.menu')} style={{ overflowY: 'auto' }}>
        {NAV.filter((n) => n.roles.includes(role)).map((n) => (
          <NavLink
            key={n.key}
            component={Link}
            to={n.to}
            label={t(n.key in SERVICE_KEYS ? `staffsvc.${n.key}` : `staff.${n.key}`)}
            active={location.pathname === n.to || (n.to !== '/staff' && location.pathname.startsWith(`${n.to}/`))}
            onClick={close}
          />
        ))}
        <Text size="xs" c="dimmed" mt="auto" pt="md" px="xs" data-testid="app-version">
          {t('staff.version', { version: me.data.version })}
        </Text>
      </AppShell.Navbar>
      <AppShell.Main>
        <Routes>
          <Route index element={<SearchPage />} />
          <Route path="accounts/:id" element={<AccountCard />} />
          <Route path="contracts/new" element={<SignContractPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="jobs" element={<JobsPage />} />
          {role !== 'finance' && <Route path="online" element={<OnlinePage />} />}
          {role === 'admin' && <Route path="nas" element={<NasPage />} />}
          {role === 'admin' && <Route path="regions" element={<RegionsPage />} />}
          {role === 'admin' && <Route path="users" element={<StaffUsersPage />} />}
          {role === 'admin' && <Route path="import" element={<ImportPage />} />}
          <Route path="bulk" element={<BulkPage />} />
          <Route path="bulk/new" element={<NewBulkPage />} />
          <Route path="bulk/:id" element={<BulkOperationPage />} />
          <Route path="outages" element={<OutagesPage />} />
          <Route path="outages/:id" element={<OutagePage />} />
          <Route path="finance" element={<FinancePage />} />
          <Route path="receipts" element={<ReceiptsPage />} />
          <Route path="reports" element={<ReportsPage />} />
          <Route path="reconciliation" element={<ReconciliationPage />} />
          {(role === 'admin' || role === 'support') && (
            <Route
              path="support/*"
              element={
                <Suspense fallback={<Loader />}>
                  <SupportStaffRoutes role={role} />
                </Suspense>
              }
            />
          )}
          <Route path="suspensions" element={<SuspensionQueuePage />} />
          <Route path="mobile-requests" element={<MobileQueuePage />} />
          <Route path="visits" element={<VisitsQueuePage />} />
          <Route path="catalog" element={<CatalogPage />} />
          <Route path="account" element={<StaffAccountPage />} />
          <Route path="promotions" element={<PromotionsAdminPage />} />
          <Route path="*" element={<Navigate to="/staff" replace />} />
        </Routes>
      </AppShell.Main>
    </AppShell>
  );
}
