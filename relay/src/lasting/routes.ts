/**
 * Lasting links (issue 21): the agent's reply carries https://<relay>/l/<id>; the provider's own
 * short-lived link is minted only when the customer presses the page's button (POST), so it is fresh
 * days later and a mail scanner's GET burns nothing. Every create, view and open is an audit row.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { listLastingLinks, revokeLastingLinks, setLastingLinkDays } from './admin';
import { createLastingLink } from './create';
import { openLastingLink } from './open';
import { viewLastingLink } from './view';

/** Agents, under /v1. */
export const lastingAgent = new Hono<AppEnv>();
lastingAgent.post('/lasting-links', createLastingLink);

/** Customers, and whatever fetches links in their mail. */
export const lastingPublic = new Hono<AppEnv>();
lastingPublic.get('/l/:id', viewLastingLink);
lastingPublic.post('/l/:id', openLastingLink);

/** Mounted at /admin/lasting-links under the admin app's token check. */
export const lastingAdmin = new Hono<AppEnv>();
lastingAdmin.get('/', listLastingLinks);
lastingAdmin.post('/revoke', revokeLastingLinks);
lastingAdmin.put('/stores/:id', setLastingLinkDays);
