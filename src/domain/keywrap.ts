/** `<keywrap>`: s390 AES/DEA key wrapping for the guest's CPACF (written aes, then dea). */
import { attr, element, list, type Infer } from '../xml/decl.js';
import { oneOf, onOff } from '../xml/values.js';
import { writeInOrder } from './order.js';

export const keywrap = element(
  'keywrap',
  {
    ciphers: list(
      element('cipher', {
        name: attr(oneOf('aes', 'dea'), { required: true }),
        state: attr(onOff, { required: true }),
      }),
    ),
  },
  { beforeFormat: writeInOrder('ciphers', 'name', ['aes', 'dea']), doc: 'CPACF key wrapping (s390)' },
);
export type Keywrap = Infer<typeof keywrap>;
