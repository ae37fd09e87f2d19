import { kopecksToDecimal } from '../../../../common/money.js';

/**
 * Writes an EnterpriseData 1.17 exchange message (the format 1C's configurations exchange data in:
 * http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.17; docs/reports.md) with the documents of a period:
 * services rendered (Документ.РеализацияТоваровУслуг) and payments received (ПКО for the office cash
 * desk, Операция по платежной карте for acquirers, ПБДС for agents and bank transfers). Element order
 * and names follow the format's schema; the subset we write is in enterprise-data-1.17-subset.xsd.
 */
export const ED_NAMESPACE = 'http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.17';
export const MSG_NAMESPACE = 'http://www.1c.ru/SSL/Exchange/Message';

export interface Organisation {
  name: string;
  inn: string;
  kpp?: string;
  bank?: { account: string; bik?: string; name?: string };
  /** Percent, or null: sold without VAT. */
  vat: number | null;
}

export interface SaleLine {
  item: string;
  code: string;
  amount: number;
  content: string;
}
export interface SaleDoc {
  kind: 'sale';
  date: string;
  number: string;
  department: string;
  lines: SaleLine[];
}
export interface PaymentDoc {
  kind: 'cash' | 'card' | 'bank';
  date: string;
  number: string;
  department: string;
  amount: number;
  /** Acquirer or agent, as the accountant will see it. */
  channel: string;
  purpose: string;
}
export type EdDocument = SaleDoc | PaymentDoc;

type Node = string | Node[] | { [name: string]: Node } | undefined;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** [name, content] pairs in order; arrays of pairs repeat an element. */
function el(name: string, content: Node | Node[], indent: string): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return `${indent}<${name}>${esc(content)}</${name}>\n`;
  const inner = Array.isArray(content) ? content : [content];
  return `${indent}<${name}>\n${inner.map((c) => render(c, `${indent}  `)).join('')}${indent}</${name}>\n`;
}
function render(n: Node, indent: string): string {
  if (n === undefined) return '';
  if (typeof n === 'string') return esc(n);
  if (Array.isArray(n)) return n.map((x) => render(x, indent)).join('');
  return Object.entries(n)
    .map(([k, v]) => el(k, v, indent))
    .join('');
}

const money = (k: number) => kopecksToDecimal(k);
const RUB = { ДанныеКлассификатора: { Код: '643', Наименование: 'руб.' } };
export const SUBSCRIBERS = 'Абоненты — физические лица';
const subscribers = { Наименование: SUBSCRIBERS, ЮридическоеФизическоеЛицо: 'ФизическоеЛицо' };

function organisation(o: Organisation) {
  return {
    Наименование: o.name,
    ИНН: o.inn,
    КПП: o.kpp,
    ЮридическоеФизическоеЛицо: o.inn.length === 12 ? 'ФизическоеЛицо' : 'ЮридическоеЛицо',
  };
}
function settlement(o: Organisation) {
  return {
    Договор: {
      ВидДоговора: 'СПокупателем',
      Организация: organisation(o),
      Контрагент: subscribers,
      ВалютаВзаиморасчетов: RUB,
      РасчетыВУсловныхЕдиницах: 'false',
      Наименование: 'Договоры с абонентами',
    },
    ВалютаВзаиморасчетов: RUB,
    КурсВзаиморасчетов: '1',
    КратностьВзаиморасчетов: '1',
    РасчетыВУсловныхЕдиницах: 'false',
  };
}
function breakdown(o: Organisation, amount: number) {
  return {
    Строка: {
      Сумма: money(amount),
      ДанныеВзаиморасчетов: settlement(o),
      СпособПогашенияЗадолженности: 'Автоматически',
    },
  };
}

/** VAT inside an amount at a rate: amount × rate / (100 + rate), half up, in kopecks. */
export function vatInside(amount: number, rate: number): number {
  const x = BigInt(amount) * BigInt(rate);
  const d = BigInt(100 + rate);
  const q = x / d;
  return Number((x % d) * 2n >= d ? q + 1n : q);
}

function vatRate(o: Organisation) {
  return o.vat === null
    ? { РасчетнаяСтавка: 'false', НеОблагается: 'true', ВидСтавки: 'БезНДС' }
    : {
        Ставка: String(o.vat),
        РасчетнаяСтавка: 'false',
        НеОблагается: 'false',
        ВидСтавки: o.vat === 0 ? 'Нулевая' : o.vat >= 20 ? 'Общая' : 'Пониженная',
      };
}

function documentNode(o: Organisation, d: EdDocument): [string, Node] {
  const keys = { Дата: d.date, Номер: d.number, Организация: organisation(o) };
  const department = { Наименование: d.department };
  if (d.kind === 'sale') {
    const total = d.lines.reduce((s, l) => s + l.amount, 0);
    return [
      'Документ.РеализацияТоваровУслуг',
      {
        КлючевыеСвойства: keys,
        ВидОперации: 'РеализацияКлиенту',
        Валюта: RUB,
        Сумма: money(total),
        СуммаВключаетНДС: 'true',
        Подразделение: department,
        Контрагент: subscribers,
        ДанныеВзаиморасчетов: settlement(o),
        Налогообложение: o.vat === null ? 'ПродажаНеОблагаетсяНДС' : 'ПродажаОблагаетсяНДС',
        Услуги: d.lines.map((l, i) => ({
          Строка: {
            НомерСтрокиДокумента: String(i + 1),
            Номенклатура: { НаименованиеПолное: l.item, КодВПрограмме: l.code, Наименование: l.item },
            Количество: '1',
            Сумма: money(l.amount),
            Цена: money(l.amount),
            СтавкаНДС: vatRate(o),
            СуммаНДС: o.vat === null ? undefined : money(vatInside(l.amount, o.vat)),
            Содержание: l.content,
          },
        })),
      },
    ];
  }
  if (d.kind === 'cash')
    return [
      'Документ.ПКОРасчетыСКонтрагентами',
      {
        КлючевыеСвойства: keys,
        ОбщиеДанные: {
          Валюта: RUB,
          Сумма: money(d.amount),
          Подразделение: department,
          Основание: d.purpose,
          ПринятоОт: SUBSCRIBERS,
        },
        Контрагент: subscribers,
        ВидРасчетов: 'СПокупателем',
        РасшифровкаПлатежа: breakdown(o, d.amount),
      },
    ];
  if (d.kind === 'card')
    return [
      'Документ.ОперацияПоПлатежнойКарте',
      {
        КлючевыеСвойства: { ...keys, ВидОперации: 'ОплатаОтКлиентаПлатежнойКартой' },
        Валюта: RUB,
        Подразделение: department,
        Контрагент: subscribers,
        Эквайрер: { Наименование: d.channel, ЮридическоеФизическоеЛицо: 'ЮридическоеЛицо' },
        Сумма: money(d.amount),
        РасшифровкаПлатежа: breakdown(o, d.amount),
        НаименованиеПлатежнойСистемы: d.channel,
      },
    ];
  if (!o.bank) throw new Error('a bank receipt needs the organisation bank account');
  return [
    'Документ.ПБДСРасчетыСКонтрагентами',
    {
      КлючевыеСвойства: keys,
      ОбщиеДанные: {
        ДатаВыписки: d.date,
        Валюта: RUB,
        Сумма: money(d.amount),
        БанковскийСчетОрганизации: {
          НомерСчета: o.bank.account,
          Банк:
            o.bank.bik || o.bank.name
              ? { ДанныеКлассификатораБанков: { Наименование: o.bank.name, БИК: o.bank.bik } }
              : undefined,
          Владелец: { ОрганизацииСсылка: organisation(o) },
        },
        НазначениеПлатежа: d.purpose,
        Подразделение: department,
      },
      ВидРасчетов: 'СПокупателем',
      Контрагент: subscribers,
      РасшифровкаПлатежа: breakdown(o, d.amount),
    },
  ];
}

export function enterpriseDataMessage(o: Organisation, docs: EdDocument[], createdAt: Date): string {
  const created = createdAt.toISOString().slice(0, 19);
  const body = docs.map((d) => {
    const [name, node] = documentNode(o, d);
    return el(name, node, '    ');
  });
  return (
    '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Message xmlns:msg="${MSG_NAMESPACE}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n` +
    '  <msg:Header>\n' +
    `    <msg:Format>${ED_NAMESPACE}</msg:Format>\n` +
    `    <msg:CreationDate>${created}</msg:CreationDate>\n` +
    '    <msg:AvailableVersion>1.17</msg:AvailableVersion>\n' +
    '  </msg:Header>\n' +
    `  <Body xmlns="${ED_NAMESPACE}">\n${body.join('')}  </Body>\n</Message>\n`
  );
}
