/**
 * What a Custom (HTTP) store holds: where to ask, how to send the key and the customer, and where the
 * link (and its expiry) are in the reply. Checked here, so a bad endpoint never reaches the network.
 */
import { z } from '../../shared/zod';
import { selectField, storeBase, textField } from '../store-fields';
import type { ProviderField } from '../types';

/** Headers a page of ours may not set, or that would change what the request is. */
const RESERVED_HEADERS = new Set(['host', 'cookie', 'content-length', 'content-type', 'accept', 'origin', 'referer']);
/** `data.portal.url`: JSON keys joined by dots. */
const DOT_PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

const httpsUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'https:' && !url.username && !url.password && url.hostname.includes('.');
    } catch {
      return false;
    }
  }, 'An https:// address');

export const customStoreSchema = z.object({
  ...storeBase,
  provider: z.literal('custom'),
  endpointUrl: httpsUrl,
  method: z.enum(['GET', 'POST']).default('POST'),
  keyHeader: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'A header name')
    .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'A header the request may carry')
    .default('Authorization'),
  customerField: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'A parameter or field name'),
  sendCustomerAs: z.enum(['email', 'id']).default('email'),
  /** Empty: the reply's whole body is the link. */
  linkField: z.union([z.literal(''), z.string().trim().max(200).regex(DOT_PATH, 'A dot path')]).default(''),
  expiryField: z.union([z.literal(''), z.string().trim().max(200).regex(DOT_PATH, 'A dot path')]).optional(),
});
export type CustomStore = z.infer<typeof customStoreSchema>;

export const customFields: readonly ProviderField[] = [
  textField('endpointUrl', 'options.customEndpointUrl', {
    placeholder: 'options.customEndpointUrlPlaceholder',
    invalid: 'options.customEndpointUrlInvalid',
  }),
  selectField(
    'method',
    'options.customMethod',
    { GET: 'options.customMethodGet', POST: 'options.customMethodPost' },
    { initial: 'POST', invalid: 'options.customMethodInvalid' },
  ),
  textField('keyHeader', 'options.customKeyHeader', {
    hint: 'options.customKeyHeaderHint',
    initial: 'Authorization',
    invalid: 'options.customKeyHeaderInvalid',
  }),
  textField('customerField', 'options.customCustomerField', {
    hint: 'options.customCustomerFieldHint',
    invalid: 'options.customCustomerFieldInvalid',
  }),
  selectField(
    'sendCustomerAs',
    'options.customSendCustomerAs',
    { email: 'options.customSendEmail', id: 'options.customSendId' },
    { initial: 'email', invalid: 'options.customSendCustomerAsInvalid' },
  ),
  textField('linkField', 'options.customLinkField', {
    hint: 'options.customLinkFieldHint',
    invalid: 'options.customPathInvalid',
  }),
  textField('expiryField', 'options.customExpiryField', {
    hint: 'options.customExpiryFieldHint',
    invalid: 'options.customPathInvalid',
  }),
];
