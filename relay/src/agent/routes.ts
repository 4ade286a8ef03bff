/** The agents' API (/v1): sign in with an enrollment code, rotate tokens, list stores, ask for links. */
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { links } from './links';
import { refreshTokens } from './refresh';
import { enroll, signOut } from './sign-in';
import { agentStores } from './store-list';

export const agentRoutes = new Hono<AppEnv>();

agentRoutes.post('/enroll', enroll);
agentRoutes.post('/token', refreshTokens);
agentRoutes.get('/stores', agentStores);
agentRoutes.post('/signout', signOut);
agentRoutes.post('/links', links);
