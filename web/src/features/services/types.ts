import type { ApiData } from '../../api/client';

/**
 * Response types of the services API, taken from the generated contract (web/src/api/schema.ts,
 * decision 0007) — never written by hand. The cabinet and the staff card get the same shapes.
 */
export type TariffOptions = ApiData<'get', '/api/me/tariffs'>;
export type Plan = TariffOptions['plans'][number];
export type TariffPreview = ApiData<'post', '/api/me/tariff-change/preview'>;
export type Addon = ApiData<'get', '/api/me/addons'>['addons'][number];
export type AddonPreview = ApiData<'post', '/api/me/addons/preview'>;
export type SuspensionList = ApiData<'get', '/api/me/suspensions'>;
export type SuspensionStatus = SuspensionList['suspensions'][number]['status'];
export type SuspensionPreview = ApiData<'post', '/api/me/suspensions/preview'>;
export type MobileInfo = ApiData<'get', '/api/me/mobile'>;
export type MobileStatus = MobileInfo['requests'][number]['status'];
export type Offer = ApiData<'get', '/api/me/promotions'>['offers'][number];
export type PromotionEffect = Offer['effect'];
