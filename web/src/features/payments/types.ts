export interface Quote {
  months: number;
  monthlyFee: number;
  debt: number;
  amount: number;
  bonus: number;
  bonusPercent: number;
}
export interface TopUp {
  paymentId: number;
  amount: number;
  confirmationUrl: string;
}
export interface PaymentItem {
  id: number;
  provider: string;
  method: string;
  amount: number;
  status: string;
  bonus: number;
  createdAt: string;
  succeededAt: string | null;
  receiptUrl: string | null;
  refunded: number;
}
export interface Card {
  id: number;
  provider: string;
  title: string;
  createdAt: string;
}
export interface Autopay {
  methodId: number;
  card: string;
  mode: 'threshold' | 'monthly';
  threshold: number | null;
  dayOfMonth: number | null;
  amount: number;
  monthlyLimit: number;
  enabled: boolean;
  disabledReason: string | null;
  nextChargeAt: string | null;
}
export type PromisedReason = 'active_exists' | 'already_this_month' | 'debt_over_month' | 'no_fee' | 'terminated';
export interface Promised {
  available: boolean;
  reason: PromisedReason | null;
  maxAmount: number;
  days: number;
  active: { id: number; amount: number; takenOn: string; dueOn: string } | null;
}
