/**
 * zod for every module here. Extension pages forbid eval (CSP), and zod's check for it, `new
 * Function('')`, is logged by Firefox as a CSP error in the background page and the popup; jitless
 * skips the check and zod's eval-compiled fast path, which could not run anyway.
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
