/**
 * Compile-time checks of the typed client (decision 0007): `npm run check` type-checks this file, and
 * each `@ts-expect-error` fails the check if the line it marks ever compiles, i.e. if the web could call
 * a path, method, parameter or field the API contract (docs/api/openapi.json) does not have.
 * Never imported by the app.
 */
import { api, download } from './client';

export async function contractIsEnforced() {
  // @ts-expect-error a path the API does not have
  await api.GET('/api/me/no-such-page');
  // @ts-expect-error a method the path does not have
  await api.DELETE('/api/me/overview');
  // @ts-expect-error a query parameter the operation does not have
  await api.GET('/api/staff/receipts', { params: { query: { colour: 'red' } } });
  // @ts-expect-error a value outside the enum of the contract
  await api.GET('/api/staff/receipts', { params: { query: { status: 'lost' } } });
  // @ts-expect-error a body field the operation does not take
  await api.POST('/api/me/payments', { body: { amount: '500', tip: true } });
  // @ts-expect-error a required path parameter left out
  await api.GET('/api/staff/accounts/{id}');
  // @ts-expect-error a path parameter of the wrong type
  await api.GET('/api/staff/accounts/{id}', { params: { path: { id: 'x' } } });
  // @ts-expect-error a download of a path the API does not serve
  await download('x.csv', '/api/me/statement.xlsx');

  const overview = await api.GET('/api/me/overview');
  // @ts-expect-error a response field the contract does not have
  void overview.tariffName;
  // A response enum is the contract's, so a status it does not have is a type error.
  // @ts-expect-error 'closed' is not an account status
  void (overview.status === 'closed');
}
