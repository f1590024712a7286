/**
 * scripts/shrink-dts.mjs names repeated declaration types (`typeof NAME`)
 * in the bundled .d.ts: the same types, a seventh of the size.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS build script
import { shrinkDeclarations } from '../scripts/shrink-dts.mjs';

const long = (n: string) => `ElementDecl<{
    readonly ${n}: AttrField<"a" | "b" | "c" | "d" | "e" | "f" | "g" | "h" | "i" | "j" | "k" | "l", true>;
    readonly other: AttrField<string, false>;
}>`;

describe('shrinkDeclarations', () => {
  it('writes typeof NAME where a declared type is repeated, whatever the indentation', () => {
    const text = `declare const inner: ${long('x')};
declare const outer: ElementDecl<{
    readonly kid: ChildField<${long('x').replace(/\n/g, '\n        ')}, false>;
    readonly list: ListField<${long('x')}>;
    readonly different: ChildField<${long('y')}, false>;
}>;
`;
    const { text: out, replaced } = shrinkDeclarations(text) as { text: string; replaced: number };
    expect(replaced).toBe(2);
    expect(out).toContain('readonly kid: ChildField<typeof inner, false>;');
    expect(out).toContain('readonly list: ListField<typeof inner>;');
    // a different structure keeps its text, and a declaration never names itself
    expect(out).toContain('readonly y: AttrField');
    expect(out.startsWith(`declare const inner: ${long('x')};`)).toBe(true);
  });

  it('leaves short types alone', () => {
    const text = 'declare const a: AttrField<string, true>;\ndeclare const b: ChildField<AttrField<string, true>>;\n';
    expect(shrinkDeclarations(text)).toEqual({ text, replaced: 0 });
  });
});
