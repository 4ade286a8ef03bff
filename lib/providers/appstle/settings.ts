/** What an Appstle store holds beyond the common fields, and how the options form shows it. */
import { z } from '../../shared/zod';
import { hostName, normaliseHost, selectField, storeBase, textField } from '../store-fields';
import type { ProviderField } from '../types';

export const DEFAULT_PORTAL_TEMPLATE = 'https://{storeDomain}/tools/recurring/customer_portal?token={token}';

/**
 * How an Appstle store builds its link: `appstle` copies the complete link Appstle returns (the shop's
 * own domain and portal path); `token` fills **Portal URL template** with a portal token.
 */
export const APPSTLE_LINK_TYPES = ['appstle', 'token'] as const;
export type AppstleLinkType = (typeof APPSTLE_LINK_TYPES)[number];

export const appstleStoreSchema = z.object({
  ...storeBase,
  provider: z.literal('appstle'),
  storeDomain: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.union([z.literal(''), hostName]).optional(),
  ),
  portalUrlTemplate: z
    .string()
    .trim()
    .default(DEFAULT_PORTAL_TEMPLATE)
    .refine(
      (t) => t.startsWith('https://') && t.includes('{token}'),
      'The template must start with https:// and contain {token}',
    ),
  /** Absent in settings saved (or policies written) before link types existed: see appstleLinkType. */
  linkType: z.enum(APPSTLE_LINK_TYPES).optional(),
});
export type AppstleStore = z.infer<typeof appstleStoreSchema>;

/**
 * The link type a store uses. Stores from before link types existed keep the token mode only when
 * they set their own template (it names their portal); the rest get Appstle's complete link.
 */
export function appstleLinkType(store: Pick<AppstleStore, 'linkType' | 'portalUrlTemplate'>): AppstleLinkType {
  if (store.linkType) return store.linkType;
  return store.portalUrlTemplate.trim() !== '' && store.portalUrlTemplate.trim() !== DEFAULT_PORTAL_TEMPLATE
    ? 'token'
    : 'appstle';
}

export const appstleFields: readonly ProviderField[] = [
  textField('storeDomain', 'options.storeDomain', {
    placeholder: 'options.storeDomainPlaceholder',
    hint: 'options.storeDomainHint',
    normalise: normaliseHost,
    invalid: 'options.storeDomainInvalid',
  }),
  selectField(
    'linkType',
    'options.linkType',
    { appstle: 'options.linkTypeAppstle', token: 'options.linkTypeToken' },
    // New stores get Appstle's complete link; a saved store's view carries its effective type.
    { hint: 'options.linkTypeHint', initial: 'appstle', invalid: 'options.linkTypeInvalid' },
  ),
  // Only the token mode builds the link from a template; otherwise kept as saved.
  textField('portalUrlTemplate', 'options.portalUrlTemplate', {
    initial: DEFAULT_PORTAL_TEMPLATE,
    shownWhen: { key: 'linkType', is: 'token' },
    invalid: 'options.portalUrlTemplateInvalid',
    invalidArgs: ['{token}'],
  }),
];
