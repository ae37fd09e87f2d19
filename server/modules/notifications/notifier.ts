import type { Config } from '../../config.js';
import { type EmailSender, smtpEmailSender } from '../../integrations/mail/email-sender.js';
import { httpSmsSender, smppSmsSender, type SmsSender } from '../../integrations/sms/sms-sender.js';

/**
 * The delivery channels. When a channel is not configured (development), messages stay in the outbox
 * marked sent to the dev sink and are shown at /dev/outbox instead of leaving the machine.
 */
export interface Notifier {
  email: EmailSender | null;
  sms: SmsSender | null;
}

export function notifierFromConfig(c: Config): Notifier {
  const email = c.SMTP_URL ? smtpEmailSender(c.SMTP_URL, c.SMTP_FROM) : null;
  let sms: SmsSender | null = null;
  if (c.SMPP_URL)
    sms = smppSmsSender({
      url: c.SMPP_URL,
      systemId: c.SMPP_SYSTEM_ID ?? '',
      password: c.SMPP_PASSWORD ?? '',
      sender: c.SMS_SENDER,
    });
  else if (c.SMS_HTTP_URL) sms = httpSmsSender({ url: c.SMS_HTTP_URL, apiKey: c.SMS_HTTP_KEY, sender: c.SMS_SENDER });
  return { email, sms };
}
