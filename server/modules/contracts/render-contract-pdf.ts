import { formatRubles } from '../../../common/money.js';
import { registerFonts, toBuffer } from '../../integrations/pdf/fonts.js';
import { loadPdfKit } from '../../integrations/pdf/load-pdfkit.js';

export interface ContractPdfData {
  contractNumber: string;
  accountNumber: string;
  signedOn: string;
  regionName: string;
  supportPhone: string;
  subscriberName: string;
  address: string;
  phone: string;
  tariff: { name: string; monthlyFee: number; speedMbit: number };
  services: { name: string; monthlyFee: number }[];
  initialPassword: string;
  portalUrl: string;
  /** PPPoE access issued with the contract (docs/network.md); null when none was issued. */
  network?: { login: string; password: string } | null;
}

const TERMS = [
  'Оператор оказывает Абоненту услуги доступа к сети Интернет и дополнительные услуги, перечисленные в договоре, в соответствии с выбранным тарифным планом.',
  'Абонентская плата списывается с лицевого счёта ежедневно равными долями месячной платы. Доступ к услугам приостанавливается, если средств на лицевом счёте недостаточно, и возобновляется сразу после пополнения.',
  'Абонент может пополнять лицевой счёт банковской картой в личном кабинете, через платёжные терминалы и в офисах Оператора, а также подключить автоплатёж.',
  'Абонент вправе приостановить оказание услуг (добровольная блокировка) на срок от 1 до 90 дней; первые 60 дней в течение года — бесплатно.',
  'Расторжение договора производится в офисе Оператора при предъявлении паспорта; остаток средств на лицевом счёте возвращается Абоненту.',
  'Оператор обрабатывает персональные данные Абонента в соответствии с Федеральным законом № 152-ФЗ исключительно для исполнения договора.',
];

/** The contract as given to the subscriber: number on the first page, the sign-in password on the last. */
export async function renderContractPdf(d: ContractPdfData): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: `Договор № ${d.contractNumber}`, Author: 'Abonent' },
  });
  registerFonts(doc);
  const line = (label: string, value: string) =>
    doc.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value);

  doc.font('bold').fontSize(16).text(`Договор об оказании услуг связи № ${d.contractNumber}`, { align: 'center' });
  doc.moveDown(0.5).font('regular').fontSize(11).text(`${d.regionName}, ${d.signedOn}`, { align: 'center' });
  doc.moveDown(1.5).fontSize(12);
  line('Номер договора (логин личного кабинета)', d.contractNumber);
  line('Лицевой счёт', d.accountNumber);
  line('Абонент', d.subscriberName);
  line('Адрес подключения', d.address);
  line('Контактный телефон', `+${d.phone}`);
  doc.moveDown();
  doc.font('bold').text('Тарифный план и услуги');
  doc
    .font('regular')
    .text(`${d.tariff.name} — до ${d.tariff.speedMbit} Мбит/с, ${formatRubles(d.tariff.monthlyFee)} в месяц`);
  for (const s of d.services) doc.text(`${s.name} — ${formatRubles(s.monthlyFee)} в месяц`);
  doc.moveDown();
  doc.font('bold').text('Условия');
  doc.font('regular').fontSize(10);
  TERMS.forEach((t, i) => doc.text(`${i + 1}. ${t}`, { align: 'justify' }).moveDown(0.3));
  doc.moveDown().fontSize(11).text(`Служба поддержки: ${d.supportPhone} (круглосуточно, бесплатно)`);
  doc.moveDown(2).text('Оператор: ____________________          Абонент: ____________________');

  doc.addPage();
  doc.font('bold').fontSize(16).text('Данные для входа в личный кабинет', { align: 'center' });
  doc.moveDown(1.5).fontSize(13);
  line('Адрес', d.portalUrl);
  line('Логин (номер договора)', d.contractNumber);
  line('Пароль', d.initialPassword);
  doc
    .moveDown()
    .font('regular')
    .fontSize(11)
    .text(
      'При первом входе система попросит задать новый пароль. Не сообщайте пароль третьим лицам. ' +
        'Если пароль утерян, воспользуйтесь ссылкой «Забыли пароль» на странице входа: код придёт по SMS или на e-mail, указанные в договоре.',
    );
  if (d.network) {
    doc.moveDown(1.5).font('bold').fontSize(16).text('Подключение к интернету (PPPoE)', { align: 'center' });
    doc.moveDown(1).fontSize(13);
    line('Имя пользователя', d.network.login);
    line('Пароль', d.network.password);
    doc
      .moveDown()
      .font('regular')
      .fontSize(11)
      .text(
        'Эти данные вводятся в настройках роутера (тип подключения PPPoE). Они не совпадают с паролем личного ' +
          'кабинета; посмотреть их можно в личном кабинете в разделе «Профиль», а новый пароль выдаст служба поддержки.',
      );
  }
  return toBuffer(doc);
}
