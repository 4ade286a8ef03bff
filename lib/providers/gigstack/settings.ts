/** What a gigstack store holds beyond the common fields, and how the options form shows it. */
import { z } from '../../shared/zod';
import { storeBase, textField } from '../store-fields';
import type { ProviderField } from '../types';

export const gigstackStoreSchema = z.object({
  ...storeBase,
  provider: z.literal('gigstack'),
  team: z
    .string()
    .trim()
    .max(128)
    .regex(/^[A-Za-z0-9_-]*$/, 'Team ids contain letters, digits, - and _ only')
    .optional(),
});
export type GigstackStore = z.infer<typeof gigstackStoreSchema>;

export const gigstackFields: readonly ProviderField[] = [
  textField('team', 'options.team', { placeholder: 'options.teamPlaceholder', invalid: 'options.teamInvalid' }),
];
