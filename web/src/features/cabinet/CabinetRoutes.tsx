import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';

import { useMe } from '../../app/session';
import { CabinetLayout } from './CabinetLayout';
import { ChangePasswordPage } from './ChangePasswordPage';
import { InfoPage } from './InfoPage';
import { NotificationsPage } from './NotificationsPage';
import { PaymentsPage } from './PaymentsPage';
import { ProfilePage } from './ProfilePage';

// The chart library is heavy: only the statistics page loads it. The services pages load on demand too.
const ServicesPage = lazy(() => import('../services/ServicesPage').then((m) => ({ default: m.ServicesPage })));
const SuspensionPage = lazy(() => import('../services/SuspensionPage').then((m) => ({ default: m.SuspensionPage })));
const TerminationPage = lazy(() => import('../services/TerminationPage').then((m) => ({ default: m.TerminationPage })));
const PromotionsPage = lazy(() => import('../services/PromotionsPage').then((m) => ({ default: m.PromotionsPage })));
const MobilePage = lazy(() => import('../services/MobilePage').then((m) => ({ default: m.MobilePage })));
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
        <Route
          path="services"
          element={
            <Suspense fallback={<Loader />}>
              <ServicesPage />
            </Suspense>
          }
        />
        <Route
          path="suspension"
          element={
            <Suspense fallback={<Loader />}>
              <SuspensionPage />
            </Suspense>
          }
        />
        <Route
          path="termination"
          element={
            <Suspense fallback={<Loader />}>
              <TerminationPage />
            </Suspense>
          }
        />
        <Route
          path="promotions"
          element={
            <Suspense fallback={<Loader />}>
              <PromotionsPage />
            </Suspense>
          }
        />
        <Route
          path="mobile"
          element={
            <Suspense fallback={<Loader />}>
              <MobilePage />
            </Suspense>
          }
        />
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
