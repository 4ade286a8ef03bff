import type { ProviderId, Store } from '../settings/schema';
import { appstle } from './appstle';
import { gigstack } from './gigstack';
import type { Provider } from './types';

type ProviderMap = { [K in ProviderId]: Provider<Extract<Store, { provider: K }>> };
const providers: ProviderMap = { appstle, gigstack };

export function providerFor<S extends Store>(store: S): Provider<S> {
  return providers[store.provider] as unknown as Provider<S>;
}

/** A customer id in any provider's form (a shape check only: the store's provider decides later). */
export function parseAnyProviderId(input: string): string | undefined {
  return appstle.parseId(input) ?? gigstack.parseId(input);
}
