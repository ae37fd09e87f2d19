import type { Transporter } from 'nodemailer';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface EmailSender {
  send(m: EmailMessage): Promise<void>;
}

/**
 * Real SMTP through nodemailer; SMTP_URL like smtp://user:pass@host:587 (smtps:// for TLS). nodemailer
 * is loaded with the first message: only the process that runs the job worker sends mail.
 */
export function smtpEmailSender(url: string, from: string): EmailSender {
  let transport: Promise<Transporter> | null = null;
  return {
    async send(m) {
      transport ??= import('nodemailer').then((n) => n.default.createTransport(url));
      await (await transport).sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
  };
}
