/** Shapes of the API responses the app reads (mirrors the zod schemas in server/modules). */
export interface Me {
  type: 'subscriber' | 'staff';
  contract?: string;
  account?: string;
  fullName?: string;
  mustChangePassword?: boolean;
  staff?: {
    id: number;
    email: string;
    fullName: string;
    role: 'admin' | 'operator' | 'support' | 'finance';
    totpEnabled: boolean;
  };
}

export interface Overview {
  account: string;
  contract: string;
  fullName: string;
  region: { nameRu: string; nameEn: string; supportPhone: string; supportEmail: string };
  status: 'active' | 'blocked' | 'suspended' | 'terminated';
  balance: number;
  creditLimit: number;
  promisedCredit: number;
  promised: { amount: number; dueOn: string } | null;
  tariff: { nameRu: string; nameEn: string; monthlyFee: number; speedDownKbps: number; speedUpKbps: number } | null;
  pendingTariff: { nameRu: string; nameEn: string; from: string } | null;
  discount: { percent: number; from: string; until: string } | null;
  services: {
    kind: 'tv' | 'static_ip' | 'mobile';
    nameRu: string;
    nameEn: string;
    monthlyFee: number;
    address: string | null;
    from: string;
    until: string | null;
  }[];
  suspension: { id: number; status: 'pending' | 'approved' | 'active'; startsOn: string; endsOn: string } | null;
  monthlyFee: number;
  dailyFee: number;
  daysLeft: number | null;
  lowBalance: boolean;
  topUp: boolean;
  nextCharge: { on: string; amount: number } | null;
  nextChargeOn: string;
  amountToRestore: number;
  recommendedPayment: number;
}

export interface Statement {
  from: string;
  to: string;
  openingBalance: number;
  closingBalance: number;
  totals: { kind: string; amount: number }[];
  entries: {
    id: number;
    date: string;
    kind: string;
    amount: number;
    comment: string | null;
    description: string | null;
    balanceAfter: number;
  }[];
  series: { date: string; balance: number }[];
}

export interface Profile {
  account: string;
  contract: string;
  phone: string | null;
  email: string | null;
  preferences: { email: boolean; sms: boolean; lang: 'ru' | 'en' };
  missingContacts: ('phone' | 'email')[];
}

export interface Region {
  id: number;
  code: string;
  nameRu: string;
  nameEn: string;
  supportPhone: string;
  supportEmail: string;
}
