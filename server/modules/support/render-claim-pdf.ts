import { registerFonts, toBuffer } from '../../integrations/pdf/fonts.js';
import { loadPdfKit } from '../../integrations/pdf/load-pdfkit.js';

export interface ClaimAnswerData {
  claimNumber: string;
  registeredOn: string;
  answeredOn: string;
  regionName: string;
  supportPhone: string;
  supportEmail: string;
  subscriberName: string;
  contractNumber: string;
  accountNumber: string;
  claimText: string;
  answer: string;
  staffName: string;
}

/**
 * The written answer to a claim (126-ФЗ art. 55 p. 7: the result is sent as a paper document or an
 * electronic one signed with a simple electronic signature). The staff member's name and the date
 * stand as that signature; the fonts are the contracts' (DejaVu, full Cyrillic).
 */
export async function renderClaimPdf(d: ClaimAnswerData): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: `Ответ на претензию № ${d.claimNumber}`, Author: 'Abonent' },
  });
  registerFonts(doc);
  const line = (label: string, value: string) =>
    doc.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value);
  doc.font('bold').fontSize(15).text(`Ответ на претензию № ${d.claimNumber}`, { align: 'center' });
  doc.moveDown(0.4).font('regular').fontSize(11).text(`${d.regionName}, ${d.answeredOn}`, { align: 'center' });
  doc.moveDown(1.2).fontSize(11);
  line('Абонент', d.subscriberName);
  line('Договор', d.contractNumber);
  line('Лицевой счёт', d.accountNumber);
  line('Претензия зарегистрирована', d.registeredOn);
  doc.moveDown();
  doc.font('bold').text('Содержание претензии');
  doc.font('regular').fontSize(10).text(d.claimText, { align: 'justify' });
  doc.moveDown().fontSize(11).font('bold').text('Результат рассмотрения');
  doc.font('regular').text(d.answer, { align: 'justify' });
  doc.moveDown(1.5);
  doc.text(`Ответ подготовил: ${d.staffName}`);
  doc.text(`Дата: ${d.answeredOn}`);
  doc
    .moveDown()
    .fontSize(9)
    .text(
      'Документ подписан простой электронной подписью сотрудника оператора связи (имя и дата выше) и направлен ' +
        'в личный кабинет абонента в соответствии с п. 7 ст. 55 Федерального закона от 07.07.2003 № 126-ФЗ «О связи». ' +
        `Вопросы: ${d.supportPhone}, ${d.supportEmail}.`,
    );
  return toBuffer(doc);
}
