import './i18n';

import { Route, Routes } from 'react-router';

import { StaffTicketPage } from './StaffTicketPage';
import { SupportQueuePage } from './SupportQueuePage';
import { SupportReportPage } from './SupportReportPage';
import { SupportSettingsPage } from './SupportSettingsPage';
import { useSupportLive } from './useSupportLive';

/** The back office's support section (/staff/support/*); the server enforces the same roles. */
export default function SupportStaffRoutes({ role }: { role: string }) {
  useSupportLive('/api/staff/support/events');
  return (
    <Routes>
      <Route index element={<SupportQueuePage />} />
      {role === 'admin' && <Route path="settings" element={<SupportSettingsPage />} />}
      {role === 'admin' && <Route path="report" element={<SupportReportPage />} />}
      <Route path=":id" element={<StaffTicketPage />} />
    </Routes>
  );
}
