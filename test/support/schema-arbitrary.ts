/**
 * fast-check arbitraries from JSON Schema, for the subset the OpenAPI document uses: `$ref`, `type`
 * (also as a list), `enum`, `const`, `anyOf`/`oneOf` (as alternatives, or on an object as "exactly
 * one of these `required` sets"), objects (`properties`, `required`, `additionalProperties: false`,
 * `minProperties`, `dependentSchemas`), arrays (`items`, `maxItems`), strings (`pattern`,
 * `minLength`, `maxLength`, `format`), integers (`minimum`, `maximum`), booleans and null.
 *
 * Values it draws are meant to be valid; the test checks each against the document with ajv before
 * sending it, so a generator bug shows up as such and not as a server fault. `invalidVariants`
 * turns a valid value into values the document calls invalid, one broken rule each.
 */
import fc from 'fast-check';

export type Schema = Record<string, unknown>;

export interface SchemaArbitraryOptions {
  /** `#/components/schemas/X` -> the schema. */
  resolve: (ref: string) => Schema;
  /** Values of the `format`s the document names that JSON Schema does not define. */
  formats?: Record<string, fc.Arbitrary<string>>;
  /** Values that only state can make valid (a secret that exists), by property name. */
  properties?: Record<string, fc.Arbitrary<unknown>>;
}

const SMALL_ARRAY = 4;

/** Removes `(?=...)` and `(?!...)` groups, which fast-check's stringMatching cannot generate; the full pattern filters afterwards. */
export function withoutLookarounds(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\') {
      out += source.slice(i, i + 2);
      i++;
      continue;
    }
    if (source.startsWith('(?=', i) || source.startsWith('(?!', i)) {
      let depth = 0;
      let inClass = false;
      for (; i < source.length; i++) {
        const c = source[i];
        if (c === '\\') i++;
        else if (inClass) inClass = c !== ']';
        else if (c === '[') inClass = true;
        else if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
      }
      continue;
    }
    out += source[i];
  }
  return out;
}

export const patternOf = (schema: Schema) => (typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined);

/** Whether a string meets the schema's string keywords (lengths counted in UTF-16 units, as the server counts). */
function stringFits(schema: Schema, s: string): boolean {
  const pattern = patternOf(schema);
  return (
    (pattern === undefined || pattern.test(s)) &&
    (typeof schema.maxLength !== 'number' || s.length <= schema.maxLength) &&
    (typeof schema.minLength !== 'number' || s.length >= schema.minLength)
  );
}

export class SchemaArbitraries {
  constructor(private readonly options: SchemaArbitraryOptions) {}

  deref(schema: Schema): Schema {
    return typeof schema.$ref === 'string' ? this.deref(this.options.resolve(schema.$ref)) : schema;
  }

  of(input: Schema): fc.Arbitrary<unknown> {
    const schema = this.deref(input);
    if ('const' in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
    const alternatives = (schema.anyOf ?? (schema.type === undefined ? schema.oneOf : undefined)) as Schema[] | undefined;
    if (alternatives && schema.type === undefined) return fc.oneof(...alternatives.map((s) => this.of(s)));
    if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => this.of({ ...schema, type })));
    switch (schema.type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({ min: (schema.minimum as number) ?? -1e6, max: (schema.maximum as number) ?? 1e6 });
      case 'string':
        return this.string(schema);
      case 'array':
        return this.array(schema);
      case 'object':
        return this.object(schema);
      default:
        throw new Error(`schema-arbitrary: no generator for ${JSON.stringify(schema).slice(0, 200)}`);
    }
  }

  /** By schema: object() builds its properties' arbitraries anew for every value it draws, and a pattern's is costly to build. */
  private readonly strings = new Map<string, fc.Arbitrary<string>>();

  private string(schema: Schema): fc.Arbitrary<string> {
    const key = JSON.stringify(schema);
    let arbitrary = this.strings.get(key);
    if (!arbitrary) this.strings.set(key, (arbitrary = this.uncachedString(schema)));
    return arbitrary;
  }

  private uncachedString(schema: Schema): fc.Arbitrary<string> {
    const format = typeof schema.format === 'string' ? this.options.formats?.[schema.format] : undefined;
    const pattern = patternOf(schema);
    let base: fc.Arbitrary<string>;
    if (format) base = format;
    else if (pattern) base = fc.stringMatching(new RegExp(withoutLookarounds(pattern.source), 'u'));
    else base = fc.string({ maxLength: Math.min((schema.maxLength as number) ?? 40, 40) });
    return base.filter((s) => stringFits(schema, s));
  }

  private array(schema: Schema): fc.Arbitrary<unknown[]> {
    const items = this.of(schema.items as Schema);
    const max = typeof schema.maxItems === 'number' ? schema.maxItems : undefined;
    const small = fc.array(items, { maxLength: Math.min(max ?? SMALL_ARRAY, SMALL_ARRAY) });
    // Now and then the longest list the document allows.
    return max === undefined ? small : fc.oneof({ weight: 9, arbitrary: small }, { weight: 1, arbitrary: fc.array(items, { minLength: max, maxLength: max }) });
  }

  private object(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const oneOf = (schema.oneOf as Schema[] | undefined)?.map((s) => (s.required ?? []) as string[]);
    const branches = oneOf ?? [[]];
    return fc.constantFrom(...branches.keys()).chain((branch) => {
      const required = new Set([...((schema.required ?? []) as string[]), ...branches[branch]!]);
      const forbidden = new Set(
        branches
          .filter((_, i) => i !== branch)
          .flat()
          .filter((k) => !required.has(k)),
      );
      const optional = Object.keys(properties).filter((k) => !required.has(k) && !forbidden.has(k));
      return fc.subarray(optional).chain((chosen) => this.keysWithDependencies(schema, [...required, ...chosen], forbidden));
    });
  }

  /** Applies `dependentSchemas` to the chosen keys (their required keys, their property rules), then draws the values. */
  private keysWithDependencies(schema: Schema, keys: string[], forbidden: Set<string>): fc.Arbitrary<Record<string, unknown>> {
    const dependent = (schema.dependentSchemas ?? {}) as Record<string, Schema>;
    const properties = { ...((schema.properties ?? {}) as Record<string, Schema>) };
    let present = new Set(keys);
    const variants: Schema[][] = [];
    for (const key of keys) {
      const rule = dependent[key];
      if (!rule) continue;
      if (((rule.required ?? []) as string[]).some((k) => forbidden.has(k))) {
        present.delete(key); // this key cannot be present in this branch
        continue;
      }
      for (const k of (rule.required ?? []) as string[]) present.add(k);
      variants.push(rule.anyOf ? (rule.anyOf as Schema[]) : [rule]);
    }
    const min = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    if (present.size < min) {
      const extra = Object.keys(properties).filter((k) => !present.has(k) && !forbidden.has(k) && !dependent[k]);
      present = new Set([...present, ...extra.slice(0, min - present.size)]);
    }
    const choose = variants.length ? fc.tuple(...variants.map((v) => fc.constantFrom(...v))) : fc.constant([] as Schema[]);
    return choose.chain((rules) => {
      const merged = { ...properties };
      for (const rule of rules)
        for (const [k, s] of Object.entries((rule.properties ?? {}) as Record<string, Schema>))
          if (present.has(k)) merged[k] = { ...this.deref(merged[k] ?? {}), ...s };
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const key of present) record[key] = this.options.properties?.[key] ?? this.of(merged[key] ?? {});
      return fc.record(record);
    });
  }

  /**
   * Values the schema refuses, made from a valid one by breaking one rule: an unknown property, a
   * required one left out, a wrong type, a string outside its pattern or length, a list too long,
   * both or neither of a `oneOf`, an empty object under `minProperties`, a dependent rule broken.
   * The caller checks each against the document and keeps those it indeed refuses.
   */
  invalidVariants(input: Schema, value: unknown): unknown[] {
    const schema = this.deref(input);
    const out: unknown[] = [];
    const alternatives = (schema.anyOf ?? (schema.type === undefined ? schema.oneOf : undefined)) as Schema[] | undefined;
    out.push(42.5, [], 'not-an-object');
    if (alternatives && schema.type === undefined) {
      for (const alt of alternatives) out.push(...this.invalidVariants(alt, value));
      return out;
    }
    if (schema.type === 'string' && typeof value === 'string') {
      if (typeof schema.maxLength === 'number') out.push('a'.repeat(schema.maxLength + 1), value + 'x'.repeat(schema.maxLength));
      if (schema.pattern) out.push('', ' ', 'A B', '$(id)', 'x\ny', '\u0000', '---', `${value}\u0007`);
    }
    if (schema.type === 'integer') out.push(((schema.maximum as number) ?? 0) + 1, ((schema.minimum as number) ?? 0) - 1, 'abc');
    if (schema.type === 'array' && Array.isArray(value)) {
      if (typeof schema.maxItems === 'number') out.push(Array.from({ length: schema.maxItems + 1 }, (_, i) => value[i % Math.max(value.length, 1)] ?? 'curl'));
      value.forEach((item, i) => {
        for (const bad of this.invalidVariants(schema.items as Schema, item)) out.push(value.map((v, j) => (j === i ? bad : v)));
      });
    }
    if (schema.type === 'object' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const object = value as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      out.push(null, {});
      if (schema.additionalProperties === false) out.push({ ...object, unexpectedField: 'x' });
      for (const key of (schema.required ?? []) as string[]) {
        const { [key]: _dropped, ...rest } = object;
        out.push(rest);
      }
      for (const branch of (schema.oneOf ?? []) as Schema[]) {
        for (const key of (branch.required ?? []) as string[]) {
          if (key in object) {
            const { [key]: _dropped, ...rest } = object;
            out.push(rest);
          }
        }
      }
      const draw = (key: string) => fc.sample(this.of(properties[key] ?? {}), { numRuns: 1 })[0];
      // Every branch of a oneOf at once.
      const branchKeys = ((schema.oneOf ?? []) as Schema[]).flatMap((b) => (b.required ?? []) as string[]);
      if (branchKeys.length) out.push({ ...object, ...Object.fromEntries(branchKeys.filter((k) => !(k in object)).map((k) => [k, draw(k)])) });
      // A dependent key present while a property its rule fixes (by const) has another of its values.
      for (const [key, rule] of Object.entries((schema.dependentSchemas ?? {}) as Record<string, Schema>)) {
        for (const [prop, fixed] of Object.entries((rule.properties ?? {}) as Record<string, Schema>)) {
          const others = ((this.deref(properties[prop] ?? {}).enum ?? []) as unknown[]).filter((v) => v !== fixed.const);
          if ('const' in fixed && others.length) out.push({ ...object, [key]: object[key] ?? draw(key), [prop]: others[0] });
        }
      }
      for (const [key, child] of Object.entries(object)) {
        if (!properties[key]) continue;
        for (const bad of this.invalidVariants(properties[key], child)) out.push({ ...object, [key]: bad });
      }
    }
    return out;
  }
}
