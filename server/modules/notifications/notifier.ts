import type { Config } from '../../config.js';
import { type EmailSender, smtpEmailSender } from '../../integrations/mail/email-sender.js';
import type { SmsDeliveryReceipt } from '../../integrations/sms/delivery-receipt.js';
import { httpSmsSender, smppSmsSender, type SmsSender } from '../../integrations/sms/sms-sender.js';

/**
 * The delivery channels. When a channel is not configured (development), messages stay in the outbox
 * marked sent to the dev sink and are shown at /dev/outbox instead of leaving the machine.
 */
export interface Notifier {
  email: EmailSender | null;
  sms: SmsSender | null;
}

export function notifierFromConfig(
  c: Config,
  hooks: { onSmsReceipt?: (r: SmsDeliveryReceipt) => Promise<void>; log?: (msg: string, extra?: object) => void } = {},
): Notifier {
  const email = c.SMTP_URL ? smtpEmailSender(c.SMTP_URL, c.SMTP_FROM) : null;
  let sms: SmsSender | null = null;
  if (c.SMPP_URL)
    sms = smppSmsSender({
      url: c.SMPP_URL,
      systemId: c.SMPP_SYSTEM_ID ?? '',
      password: c.SMPP_PASSWORD ?? '',
      sender: c.SMS_SENDER,
      longMessages: c.SMPP_LONG_MESSAGES,
      enquireLinkMs: c.SMPP_ENQUIRE_LINK_SECONDS * 1000,
      gsm7: c.SMPP_GSM7,
      sendRate: c.SMPP_SEND_RATE,
      window: c.SMPP_WINDOW,
      onReceipt: hooks.onSmsReceipt,
      log: hooks.log,
    });
  else if (c.SMS_HTTP_URL) sms = httpSmsSender({ url: c.SMS_HTTP_URL, apiKey: c.SMS_HTTP_KEY, sender: c.SMS_SENDER });
  return { email, sms };
}
