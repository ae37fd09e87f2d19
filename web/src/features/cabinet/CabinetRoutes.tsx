import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';

import { useMe } from '../../app/session';
import { CabinetLayout } from './CabinetLayout';
import { ChangePasswordPage } from './ChangePasswordPage';
import { InfoPage } from './InfoPage';
import { MobilePage } from './InfoPages';
import { NotificationsPage } from './NotificationsPage';
import { PaymentsPage } from './PaymentsPage';
import { ProfilePage } from './ProfilePage';

// The chart library is heavy: only the statistics page loads it.
const StatisticsPage = lazy(() => import('./StatisticsPage'));
const FeedbackRoutes = lazy(() => import('../support/FeedbackPage'));
const SessionsPage = lazy(() => import('../network/SessionsPage'));

/** The subscriber's cabinet. Not signed in → sign-in page; initial password → forced change first. */
export default function CabinetRoutes() {
  const me = useMe();
  if (me.isLoading)
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  if (!me.data || me.data.type !== 'subscriber') return <Navigate to="/login" replace />;
  if (me.data.mustChangePassword) {
    return (
      <Routes>
        <Route path="password" element={<ChangePasswordPage forced />} />
        <Route path="*" element={<Navigate to="/cabinet/password" replace />} />
      </Routes>
    );
  }
  return (
    <CabinetLayout>
      <Routes>
        <Route index element={<InfoPage />} />
        <Route path="payments" element={<PaymentsPage />} />
        <Route
          path="stats"
          element={
            <Suspense fallback={<Loader />}>
              <StatisticsPage />
            </Suspense>
          }
        />
        <Route
          path="sessions"
          element={
            <Suspense fallback={<Loader />}>
              <SessionsPage />
            </Suspense>
          }
        />
        <Route path="profile" element={<ProfilePage />} />
        <Route path="password" element={<ChangePasswordPage />} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="mobile" element={<MobilePage />} />
        <Route
          path="feedback/*"
          element={
            <Suspense fallback={<Loader />}>
              <FeedbackRoutes />
            </Suspense>
          }
        />
        <Route path="*" element={<Navigate to="/cabinet" replace />} />
      </Routes>
    </CabinetLayout>
  );
}
