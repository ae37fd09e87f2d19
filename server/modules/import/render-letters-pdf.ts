import { registerFonts, toBuffer } from '../../integrations/pdf/fonts.js';
import { loadPdfKit } from '../../integrations/pdf/load-pdfkit.js';

export interface Letter {
  name: string;
  address: string;
  contract: string;
  account: string;
  password: string;
  /** The PPPoE login the router already uses (unchanged by the move). */
  pppoeLogin: string | null;
}

/**
 * A batch of letters, one A4 page each, for imported subscribers without a phone or e-mail (or for all,
 * when the ISP prefers paper): who it is for, the cabinet address, login and initial password, and that
 * nothing changes for the router. Folded into a window envelope, the address block shows through.
 */
export async function renderLettersPdf(letters: Letter[], portalUrl: string): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    autoFirstPage: false,
    info: { Title: 'Данные для входа в личный кабинет', Author: 'Abonent' },
  });
  registerFonts(doc);
  for (const l of letters) {
    doc.addPage();
    doc
      .font('bold')
      .fontSize(12)
      .text(l.name || 'Абоненту', 300, 90, { width: 240 });
    doc.font('regular').fontSize(11).text(l.address, { width: 240 });
    doc.moveDown(4);
    doc.x = 56;
    doc.font('bold').fontSize(16).text('Ваш личный кабинет', { align: 'center', width: 483 });
    doc.moveDown(1).font('regular').fontSize(11);
    doc.text(
      'Мы перешли на новую систему обслуживания абонентов. Ваш договор, лицевой счёт и баланс сохранены, ' +
        'настройки роутера менять не нужно: имя пользователя и пароль для подключения к интернету прежние.',
      { align: 'justify', width: 483 },
    );
    doc.moveDown(1);
    const line = (label: string, value: string) =>
      doc.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value);
    doc.fontSize(13);
    line('Адрес личного кабинета', portalUrl);
    line('Логин (номер договора)', l.contract);
    line('Пароль', l.password);
    line('Лицевой счёт для оплаты', l.account);
    if (l.pppoeLogin) line('Имя пользователя PPPoE (как раньше)', l.pppoeLogin);
    doc.moveDown(1).fontSize(11);
    doc.text(
      'При первом входе система попросит задать свой пароль. Не сообщайте пароль третьим лицам. ' +
        'Если письмо потеряется, нажмите «Забыли пароль» на странице входа: код придёт по SMS или на e-mail, ' +
        'если они указаны в договоре.',
      { align: 'justify', width: 483 },
    );
  }
  return toBuffer(doc);
}
