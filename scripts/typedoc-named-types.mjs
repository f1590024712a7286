// TypeDoc plugin (typedoc.json "plugin"): a signature's return and parameter types are written as
// the names the source gives them, linked to their pages, rather than expanded. TypeDoc converts a
// signature's types from the checker, and a type alias made by a helper (`type DomainDef =
// Infer<typeof domain>`) reaches it without its name: `parseDomainXml` would show DomainDef's
// whole structure inline. Where the declaration spells a type as a reference to a named type, this
// converts that reference instead.
import ts from 'typescript';
import { Converter } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_SIGNATURE, (context, sig, declaration) => {
    if (!declaration || !('parameters' in declaration)) return;
    const scoped = context.withScope(sig);
    const named = (node) => node && ts.isTypeReferenceNode(node) && !(node.typeArguments?.length);
    if (named(declaration.type)) sig.type = context.converter.convertType(scoped, declaration.type);
    const params = declaration.parameters ?? [];
    for (const p of sig.parameters ?? []) {
      const node = params.find((d) => ts.isIdentifier(d.name) && d.name.text === p.name);
      if (node && named(node.type)) {
        const type = context.converter.convertType(scoped, node.type);
        p.type = type;
      }
    }
  });
}
