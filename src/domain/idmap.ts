/** `<idmap>`: user and group id maps of a container's user namespace. */
import { attr, element, list, type Infer } from '../xml/decl.js';
import { uint } from '../xml/values.js';

const idRange = (name: 'uid' | 'gid') =>
  element(name, {
    start: attr(uint(), { required: true }),
    target: attr(uint(), { required: true }),
    count: attr(uint(), { required: true }),
  });

export const idmap = element(
  'idmap',
  { uids: list(idRange('uid')), gids: list(idRange('gid')) },
  { doc: 'User namespace id maps (containers)' },
);
export type Idmap = Infer<typeof idmap>;
