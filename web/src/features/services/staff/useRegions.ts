import { useQuery } from '@tanstack/react-query';

import { api, type ApiData } from '../../../api/client';

export type StaffRegion = ApiData<'get', '/api/staff/regions'>['regions'][number];

export const useStaffRegions = () =>
  useQuery({
    queryKey: ['staff-regions'],
    queryFn: () => api.GET('/api/staff/regions').then((r) => r.regions),
  });
