import { eq } from 'drizzle-orm';

import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { staffUsers } from '../../db/schema/index.js';
import { addMessage } from './add-message.js';
import { saveCannedReply } from './canned-replies.js';
import { createTicket } from './create-ticket.js';
import { listRegionCategories } from './list-categories.js';

/**
 * Demo support data: two common ready answers, and a ticket from the first demo subscriber that the
 * demo support user has answered (so the cabinet and the queue have something to show).
 */
export async function seedSupportDemo(
  db: Db,
  opts: { accountId: number; regionId: number; supportEmail: string; config: Pick<Config, 'publicUrl'> },
) {
  const [agent] = await db.select().from(staffUsers).where(eq(staffUsers.email, opts.supportEmail));
  if (!agent) return;
  for (const r of [
    {
      title: 'Перезагрузка роутера',
      body: 'Выключите роутер из розетки на 30 секунд и включите снова. Если интернет не появится через 5 минут, напишите нам.',
    },
    {
      title: 'Проверка оплаты',
      body: 'Платёж зачислен на лицевой счёт, доступ восстанавливается автоматически в течение нескольких минут.',
    },
  ]) {
    await saveCannedReply(db, { input: { regionId: null, ...r, active: true }, staffId: agent.id });
  }
  const categories = await listRegionCategories(db, opts.regionId);
  const internet = categories.find((c) => c.code === 'no_internet') ?? categories[0]!;
  const ticket = await createTicket(db, {
    accountId: opts.accountId,
    categoryId: internet.id,
    subject: 'Вечером падает скорость',
    text: 'Каждый вечер после 21:00 скорость падает до 5 Мбит/с по Wi-Fi и по кабелю.',
    attachmentIds: [],
  });
  await addMessage(db, opts.config, {
    ticketId: ticket.id,
    author: { type: 'staff', staffId: agent.id, internal: false, setStatus: 'waiting' },
    text: 'Здравствуйте! Проверили порт — ошибок нет. Пришлите, пожалуйста, результат замера на speedtest по кабелю.',
    attachmentIds: [],
  });
}
