import { todayIn } from '@common/dates';

import { usePublicRegions } from './usePublicRegions';

/**
 * "Today" for staff, who see every region: each region's calendar day now, from the earliest to the latest
 * (Moscow is already in tomorrow while UTC is not). Periods that default to today end on `latest`, so
 * nothing a region has already dated today is left out. Null until the regions are known.
 */
export function useRegionDays(): { earliest: string; latest: string } | null {
  const regions = usePublicRegions();
  if (!regions.data) return null;
  const days = (regions.data.length ? regions.data.map((r) => r.timeZone) : ['UTC']).map((z) => todayIn(z)).sort();
  return { earliest: days[0]!, latest: days[days.length - 1]! };
}
