/** Response shapes of the services API (server/modules/{services,suspension,termination,mobile,promotions}). */
export interface Plan {
  id: number;
  nameRu: string;
  nameEn: string;
  monthlyFee: number;
  speedDownKbps: number;
  speedUpKbps: number;
}
export interface TariffOptions {
  status: 'active' | 'blocked' | 'suspended' | 'terminated';
  current: (Plan & { archived: boolean }) | null;
  pending: { id: number; nameRu: string; nameEn: string; from: string } | null;
  plans: (Plan & { descriptionRu: string; descriptionEn: string; current: boolean })[];
}
export interface TariffPreview {
  current: Plan | null;
  next: Plan;
  from: string;
  discountPercent: number | null;
  monthlyFeeBefore: number;
  monthlyFeeAfter: number;
  nextCharge: { on: string; amount: number };
  daysLeft: number | null;
}
export interface Addon {
  serviceId: number;
  kind: 'tv' | 'static_ip';
  nameRu: string;
  nameEn: string;
  descriptionRu: string;
  descriptionEn: string;
  monthlyFee: number;
  connected: boolean;
  subscription: {
    id: number;
    startsOn: string;
    endsOn: string | null;
    monthlyFee: number;
    address: string | null;
  } | null;
  unavailable: 'already_connected' | 'pool_empty' | null;
}
export interface AddonPreview {
  action: 'connect' | 'disconnect';
  service: { id: number; kind: string; nameRu: string; nameEn: string; monthlyFee: number };
  day: string;
  monthlyFeeBefore: number;
  monthlyFeeAfter: number;
  nextCharge: { on: string; amount: number };
  daysLeft: number | null;
}
export type SuspensionStatus = 'pending' | 'approved' | 'active' | 'finished' | 'refused' | 'cancelled';
export interface SuspensionList {
  today: string;
  accountStatus: string;
  rules: {
    minDays: number;
    maxDays: number;
    freeDays: number;
    windowDays: number;
    dailyFee: number;
    autoApprove: boolean;
  };
  freeDaysLeft: number;
  suspensions: {
    id: number;
    status: SuspensionStatus;
    startsOn: string;
    endsOn: string;
    endedOn: string | null;
    comment: string | null;
    refuseReason: string | null;
    freeDays: number;
    paidDays: number;
    paidFrom: string | null;
    dailyFee: number;
    cost: number;
    createdAt: string;
    canCancel: boolean;
    canEnd: boolean;
  }[];
}
export interface SuspensionPreview {
  startsOn: string;
  endsOn: string;
  resumesOn: string;
  days: number;
  freeDays: number;
  paidDays: number;
  paidFrom: string | null;
  cost: number;
  dailyFee: number;
  freeDaysAvailable: number;
  autoApprove: boolean;
}
export interface Office {
  id: number;
  nameRu: string;
  nameEn: string;
  address: string;
  hours: string;
  phone: string | null;
}
export interface TerminationInfo {
  today: string;
  firstDay: string;
  lastDay: string;
  offices: Office[];
  visit: { id: number; officeId: number; date: string; time: string; phone: string | null } | null;
}
export type MobileStatus = 'new' | 'in_progress' | 'connected' | 'refused' | 'cancelled';
export interface MobileInfo {
  lead: { ru: string | null; en: string | null };
  contactPhone: string | null;
  packages: {
    id: number;
    nameRu: string;
    nameEn: string;
    descriptionRu: string;
    descriptionEn: string;
    monthlyFee: number;
  }[];
  requests: {
    id: number;
    serviceId: number | null;
    phone: string;
    convenientTime: string;
    comment: string | null;
    status: MobileStatus;
    staffNote: string | null;
    createdAt: string;
    canCancel: boolean;
  }[];
}
export type PromotionEffect = 'discount' | 'bonus' | 'free_addon';
export interface Offer {
  id: number;
  titleRu: string;
  titleEn: string;
  descriptionRu: string;
  descriptionEn: string;
  startsOn: string;
  endsOn: string | null;
  current: boolean;
  effect: PromotionEffect;
  percent: number | null;
  months: number | null;
  amount: number | null;
  service: { id: number; nameRu: string; nameEn: string } | null;
  canJoin: boolean;
  reason: string | null;
  joined: { on: string; from: string | null; to: string | null } | null;
}
