/**
 * Test-only JSON Schema validator for the keyword subset flowJsonSchema() uses:
 * type, properties, required, additionalProperties, items, enum, anyOf, minItems,
 * minProperties, pattern, $ref (#/definitions/…). Returns error paths, [] when valid.
 */
type Schema = Record<string, any>;

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

export function validate(schema: Schema, value: unknown, root: Schema = schema, path = '$'): string[] {
  if (schema.$ref) {
    const name = String(schema.$ref).replace('#/definitions/', '');
    return validate(root.definitions[name], value, root, path);
  }
  const errors: string[] = [];
  if (schema.type) {
    const t = typeOf(value);
    const ok = schema.type === t || (schema.type === 'number' && t === 'integer');
    if (!ok) return [`${path}: expected ${schema.type}, got ${t}`];
  }
  if (schema.enum && !schema.enum.some((e: unknown) => e === value)) errors.push(`${path}: not one of ${schema.enum.join(', ')}`);
  if (schema.anyOf) {
    if (!schema.anyOf.some((s: Schema) => validate(s, value, root, path).length === 0)) errors.push(`${path}: matches no alternative`);
  }
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: does not match ${schema.pattern}`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((v, i) => errors.push(...validate(schema.items, v, root, `${path}[${i}]`)));
  } else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (schema.minProperties !== undefined && Object.keys(obj).length < schema.minProperties) errors.push(`${path}: fewer than ${schema.minProperties} properties`);
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${path}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      if (schema.properties && k in schema.properties) errors.push(...validate(schema.properties[k], v, root, `${path}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unknown key ${k}`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...validate(schema.additionalProperties, v, root, `${path}.${k}`));
    }
  }
  return errors;
}

/** Keywords present anywhere in a schema (to prove the validator covers them all). */
export function keywordsOf(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => keywordsOf(s, out));
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'properties' || k === 'definitions') {
        out.add(k);
        Object.values(v as object).forEach((s) => keywordsOf(s, out));
      } else {
        out.add(k);
        keywordsOf(v, out);
      }
    }
  }
  return out;
}
