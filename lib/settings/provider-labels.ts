/** Provider names, for UI pages too, without pulling provider code (and its HTTP client) into them. */
import type { ProviderId } from './schema';

export const providerLabels = {
  appstle: { label: 'Appstle Subscriptions', shortName: 'Appstle' },
  gigstack: { label: 'gigstack', shortName: 'gigstack' },
} as const satisfies Record<ProviderId, { label: string; shortName: string }>;

export const providerList = (Object.keys(providerLabels) as ProviderId[]).map((id) => ({ id, ...providerLabels[id] }));
