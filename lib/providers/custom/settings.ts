/**
 * What a Custom (HTTP) store holds: where to ask, how to send the key and the customer, and where the
 * link (and its expiry) are in the reply. Checked here, so a bad endpoint never reaches the network.
 */
import { z } from '../../shared/zod';
import { storeBase } from '../store-fields';
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
  {
    key: 'endpointUrl',
    label: 'options.customEndpointUrl',
    placeholder: 'options.customEndpointUrlPlaceholder',
    invalid: 'options.customEndpointUrlInvalid',
  },
  {
    key: 'method',
    label: 'options.customMethod',
    options: [
      { value: 'GET', label: 'options.customMethodGet' },
      { value: 'POST', label: 'options.customMethodPost' },
    ],
    initial: 'POST',
    invalid: 'options.customMethodInvalid',
  },
  {
    key: 'keyHeader',
    label: 'options.customKeyHeader',
    hint: 'options.customKeyHeaderHint',
    initial: 'Authorization',
    invalid: 'options.customKeyHeaderInvalid',
  },
  {
    key: 'customerField',
    label: 'options.customCustomerField',
    hint: 'options.customCustomerFieldHint',
    invalid: 'options.customCustomerFieldInvalid',
  },
  {
    key: 'sendCustomerAs',
    label: 'options.customSendCustomerAs',
    options: [
      { value: 'email', label: 'options.customSendEmail' },
      { value: 'id', label: 'options.customSendId' },
    ],
    initial: 'email',
    invalid: 'options.customSendCustomerAsInvalid',
  },
  {
    key: 'linkField',
    label: 'options.customLinkField',
    hint: 'options.customLinkFieldHint',
    invalid: 'options.customPathInvalid',
  },
  {
    key: 'expiryField',
    label: 'options.customExpiryField',
    hint: 'options.customExpiryFieldHint',
    invalid: 'options.customPathInvalid',
  },
];
