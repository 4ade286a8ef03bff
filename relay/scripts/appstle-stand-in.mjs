// A stand-in for Appstle's API on loopback, for `npm run relay:try` (and its test): the three GETs the
// provider code makes (lib/providers/appstle/index.ts: customer-portal-token, manage-subscription-link,
// subscription-contracts-email-magic-link, with X-API-Key; the customer as `customerId`, `email`, or
// `emailId` on manage-subscription-link), answered with the fields that code reads. It knows one key
// (not a secret: it opens nothing but this stand-in) and two customers; anything else gets Appstle's
// 401 / 404 problem bodies. Its links point at a shop that does not exist.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

export const STAND_IN_KEY = 'try-it-locally-appstle-key';
export const STAND_IN_SHOP = 'demo-shop.myshopify.com';
export const STAND_IN_CUSTOMERS = [
  { id: '12345', email: 'jane@example.com' },
  { id: '67890', email: 'carlos@example.com' },
];
const API = '/api/external/v2';
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Starts the stand-in on 127.0.0.1 (a free port unless one is given); resolves with its base URL. */
export async function startAppstleStandIn(port = 0) {
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status, body) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    requests.push(url.pathname);
    if (req.headers['x-api-key'] !== STAND_IN_KEY) return send(401, { title: 'Unauthorized', status: 401 });
    const id = url.searchParams.get('customerId');
    const email = url.searchParams.get('email') ?? url.searchParams.get('emailId');
    const customer = STAND_IN_CUSTOMERS.find((c) => (id ? c.id === id : c.email === email));
    if (!customer) return send(404, { title: 'Not Found', status: 404, detail: 'Customer not found' });
    const token = `${b64({ alg: 'HS256' })}.${b64({ customerId: Number(customer.id), shop: STAND_IN_SHOP, timestamp: Date.now() })}.${randomBytes(16).toString('base64url')}`;
    switch (url.pathname) {
      case `${API}/customer-portal-token`:
        return send(200, { customerId: Number(customer.id), token });
      case `${API}/manage-subscription-link`:
        return send(200, {
          manageSubscriptionLink: `https://${STAND_IN_SHOP}/tools/recurring/customer_portal?token=${token}`,
          tokenExpirationTime: new Date(Date.now() + 2 * 3600_000).toISOString(),
        });
      case `${API}/subscription-contracts-email-magic-link`:
        return send(200, {});
      default:
        return send(404, { title: 'Not Found', status: 404 });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
