/**
 * Issue 18: the CycloneDX 1.5 JSON schema (test/fixtures/cyclonedx, copied from the CycloneDX
 * specification repository, see SOURCE.md) as a validator: the oracle for the SBOMs the API serves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsPlugin, { type FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS: under Node's ESM loader its default export is the module object.
const addFormats = ((addFormatsPlugin as unknown as { default?: FormatsPlugin }).default ?? addFormatsPlugin) as FormatsPlugin;
const DIR = fileURLToPath(new URL('../fixtures/cyclonedx/', import.meta.url));
const schema = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, unknown>;

/** Errors of a document against bom-1.5.schema.json (empty: valid). */
export function cycloneDxErrors(document: unknown): ErrorObject[] {
  // The CycloneDX schemas use annotation keywords ajv's strict mode does not know: not strict.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // The internationalised formats ajv-formats lacks: their ASCII twins are checked, these are not (annotations).
  for (const format of ['iri', 'iri-reference', 'idn-email', 'idn-hostname']) ajv.addFormat(format, true);
  ajv.addSchema(schema('spdx.schema.json')).addSchema(schema('jsf-0.82.schema.json'));
  const validate = ajv.compile(schema('bom-1.5.schema.json'));
  return validate(document) ? [] : (validate.errors ?? []);
}
