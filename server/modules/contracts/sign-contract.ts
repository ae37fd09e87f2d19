import { randomInt } from 'node:crypto';

import { and, eq, inArray } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { seal } from '../../crypto/secret-box.js';
import type { Db } from '../../db/client.js';
import {
  accounts,
  contractPdfs,
  contracts,
  regions,
  services,
  subscribers,
  subscriptions,
  tariffs,
} from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashPassword } from '../auth/passwords.js';
import { listAvailableTariffs } from '../catalog/catalog.js';
import { issueNetworkAccess } from '../network/issue-network-access.js';
import { nextNumbers } from './contract-numbers.js';
import { encryptPassport } from './passport-crypto.js';
import { renderContractPdf } from './render-contract-pdf.js';

export interface SignContractInput {
  fullName: string;
  address: string;
  /** Normalised 7XXXXXXXXXX. */
  phone: string;
  email?: string | null;
  passport: string;
  regionId: number;
  tariffId: number;
  serviceIds: number[];
}

// No 0/O, 1/l/I: the password is typed from paper.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
export function generateInitialPassword(length = 10): string {
  let p = '';
  while (!/\d/.test(p) || !/[a-zA-Z]/.test(p)) {
    p = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  }
  return p;
}

/**
 * An operator signs a contract: subscriber, contract (number = login), personal account, tariff and
 * service subscriptions from the signing day, an initial password (argon2id hash only, must be changed
 * at first sign-in) and the contract PDF with that password on its last page — all in one transaction.
 * The clear password leaves only in the response and the PDF.
 */
export async function signContract(
  db: Db,
  input: SignContractInput,
  ctx: { staffId: number; ip?: string; secret: string; portalUrl: string; now?: Date },
) {
  const [region] = await db.select().from(regions).where(eq(regions.id, input.regionId));
  if (!region) throw new AppError('region_not_found');
  const available = await listAvailableTariffs(db, region.id, ctx.now);
  const tariff = available.find((t) => t.id === input.tariffId);
  if (!tariff) {
    const [exists] = await db.select({ id: tariffs.id }).from(tariffs).where(eq(tariffs.id, input.tariffId));
    throw new AppError(exists ? 'tariff_not_available' : 'tariff_not_found');
  }
  const serviceIds = [...new Set(input.serviceIds)];
  const chosen = serviceIds.length
    ? await db
        .select()
        .from(services)
        .where(and(inArray(services.id, serviceIds), eq(services.regionId, region.id), eq(services.archived, false)))
    : [];
  if (chosen.length !== serviceIds.length) throw new AppError('service_not_found');

  const password = generateInitialPassword();
  const passwordHash = await hashPassword(password);
  const signedOn = todayIn(region.timeZone, ctx.now);
  const digits = input.passport.replace(/\D/g, '');

  return inTransaction(db, async (tx) => {
    const numbers = await nextNumbers(tx, region);
    const [subscriber] = await tx
      .insert(subscribers)
      .values({
        fullName: input.fullName,
        address: input.address,
        phone: input.phone,
        email: input.email ?? null,
        passportEnc: encryptPassport(digits, ctx.secret),
        passportLast4: digits.slice(-4),
      })
      .returning();
    const [contract] = await tx
      .insert(contracts)
      .values({
        number: numbers.contract,
        subscriberId: subscriber!.id,
        regionId: region.id,
        signedOn,
        passwordHash,
        mustChangePassword: 1,
      })
      .returning();
    const [account] = await tx
      .insert(accounts)
      .values({ number: numbers.account, contractId: contract!.id, regionId: region.id })
      .returning();
    // The PPPoE login is the contract number; its password is separate from the cabinet's (decision 0007).
    const network = await issueNetworkAccess(tx, {
      accountId: account!.id,
      login: numbers.contract,
      appSecret: ctx.secret,
    });
    await tx.insert(subscriptions).values([
      {
        accountId: account!.id,
        kind: 'tariff' as const,
        tariffId: tariff.id,
        monthlyFee: tariff.monthlyFee,
        startsOn: signedOn,
      },
      ...chosen.map((s) => ({
        accountId: account!.id,
        kind: 'service' as const,
        serviceId: s.id,
        monthlyFee: s.monthlyFee,
        startsOn: signedOn,
      })),
    ]);
    const pdf = await renderContractPdf({
      contractNumber: numbers.contract,
      accountNumber: numbers.account,
      signedOn,
      regionName: region.nameRu,
      supportPhone: region.supportPhone,
      subscriberName: input.fullName,
      address: input.address,
      phone: input.phone,
      tariff: {
        name: tariff.nameRu,
        monthlyFee: tariff.monthlyFee,
        speedMbit: Math.round(tariff.speedDownKbps / 1000),
      },
      services: chosen.map((s) => ({ name: s.nameRu, monthlyFee: s.monthlyFee })),
      initialPassword: password,
      portalUrl: ctx.portalUrl,
      network,
    });
    await tx.insert(contractPdfs).values({
      contractId: contract!.id,
      pdfEnc: seal(pdf.toString('base64'), 'contract-pdf', ctx.secret),
      signedBy: ctx.staffId,
    });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: ctx.staffId,
      action: 'contract.sign',
      entity: 'contract',
      entityId: contract!.id,
      ip: ctx.ip,
      after: {
        number: numbers.contract,
        account: numbers.account,
        regionId: region.id,
        tariffId: tariff.id,
        serviceIds,
        subscriber: input.fullName,
      },
    });
    return {
      contract: { id: contract!.id, number: numbers.contract },
      account: { id: account!.id, number: numbers.account },
      initialPassword: password,
      network,
      pdf,
    };
  });
}
