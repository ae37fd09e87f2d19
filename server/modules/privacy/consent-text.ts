import { createHash } from 'node:crypto';

/**
 * The consent to the processing of personal data a subscriber signs with the contract (152-ФЗ art. 9
 * p. 4 lists what a written consent must say: who processes, which data, for what, which actions, for
 * how long and how it is withdrawn). The text is versioned here, in the repository: a change is a new
 * version, and each consent row keeps the version and the SHA-256 of the Russian text signed
 * (docs/personal-data.md). The operator's name and address are those on the contract's first page.
 */
export const CONSENT_VERSION = '2026-12-01';

const RU = `Согласие на обработку персональных данных

Я, абонент, указанный в договоре, в соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных» даю согласие оператору связи, указанному в договоре, на обработку моих персональных данных: фамилии, имени, отчества, адреса подключения, номера телефона, адреса электронной почты, серии и номера паспорта, сведений об оказанных услугах связи, платежах и соединениях.

Цель обработки: заключение и исполнение договора об оказании услуг связи, расчёты за услуги, техническая поддержка, уведомления по договору, исполнение обязанностей оператора связи, установленных законодательством.

Действия с данными: сбор, запись, систематизация, накопление, хранение, уточнение, использование, передача (платёжным агентам и оператору фискальных данных — в объёме, необходимом для приёма платежей и выдачи чеков; государственным органам — в случаях, предусмотренных законом), обезличивание, блокирование, удаление, уничтожение, с использованием средств автоматизации и без них.

Срок: на время действия договора и после его расторжения в течение срока, установленного оператором для исполнения обязанностей по закону и защиты прав сторон; по его истечении персональные данные обезличиваются. Сведения о платежах и начислениях хранятся в обезличенном виде в сроки бухгалтерского учёта.

Согласие может быть отозвано письменным заявлением в офисе оператора; отзыв не влияет на обработку, необходимую для исполнения договора и обязанностей по закону.`;

const EN = `Consent to the processing of personal data

I, the subscriber named in the contract, under article 9 of Federal Law No. 152-FZ of 27.07.2006 "On personal data", consent to the communications operator named in the contract processing my personal data: full name, service address, phone number, e-mail address, passport series and number, and the records of the communication services, payments and connections provided to me.

Purpose: making and performing the contract for communication services, settlements for the services, technical support, notices under the contract, and the duties the law places on a communications operator.

Actions: collection, recording, systematisation, accumulation, storage, correction, use, transfer (to payment agents and the fiscal data operator as far as taking payments and issuing receipts needs; to state bodies where the law requires), anonymisation, blocking, deletion and destruction, with and without automation.

Term: while the contract lasts and, after its termination, for the period the operator keeps data to meet its legal duties and protect the parties' rights; then the personal data is anonymised. Payment and charge records are kept without the personal data for the accounting periods.

The consent may be withdrawn by a written application at the operator's office; a withdrawal does not stop the processing the contract and the law require.`;

/** SHA-256 of the Russian text (the one signed), hex. */
export const CONSENT_SHA256 = createHash('sha256').update(RU).digest('hex');

export function consentText(lang: 'ru' | 'en') {
  return { version: CONSENT_VERSION, sha256: CONSENT_SHA256, text: lang === 'en' ? EN : RU };
}
