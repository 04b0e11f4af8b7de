// The contract test: every response the API suites received (recorded by the
// harness, one JSON line each) is checked against server/openapi.yaml: the
// operation exists, the status is documented, the media type is one the
// operation declares, required headers are there, and a JSON body is valid
// against its schema (JSON Schema 2020-12, as OpenAPI 3.1 has it, by ajv).
//   node validate.mjs SPEC FILE.jsonl...
import fs from 'node:fs';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const [specPath, ...files] = process.argv.slice(2);
const spec = YAML.parse(fs.readFileSync(specPath, 'utf8'));

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
// Formats OpenAPI uses that ajv-formats lacks: an address with non-ASCII parts, and
// JSON Schema's annotations for bodies.
ajv.addFormat('idn-email', (s) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/u.test(s));
ajv.addSchema({ ...spec, $id: 'spec' });

// Paths as patterns, the most literal first, so /v1/me/documents/{id} wins over /v1/{x}/...
const routes = Object.keys(spec.paths).map((template) => {
  const parts = template.split('/');
  const literal = parts.filter((p) => p && !p.startsWith('{')).length;
  const re = new RegExp('^' + parts.map((p) => (p.startsWith('{') ? '[^/]+' : p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/') + '$');
  return { template, re, literal };
}).sort((a, b) => b.literal - a.literal);

const deref = (o) => {
  while (o && o.$ref) {
    o = o.$ref.replace(/^#\//, '').split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((x, k) => x?.[k], spec);
  }
  return o;
};

const validators = new Map();
const validatorFor = (pointer) => {
  if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: 'spec#' + pointer }));
  return validators.get(pointer);
};
const esc = (k) => k.replace(/~/g, '~0').replace(/\//g, '~1');

// The last response's headers (after a 100 Continue, say), lower-cased names.
const headersOf = (raw) => {
  const blocks = raw.split(/\r\n(?=HTTP\/)/);
  const h = {};
  for (const line of blocks[blocks.length - 1].split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) h[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return h;
};

const problems = new Map();
let checked = 0, skipped = 0;
const complain = (rec, template, message) => {
  const key = `${rec.method} ${template} ${rec.status}: ${message}`;
  problems.set(key, (problems.get(key) || 0) + 1);
};

for (const file of files) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line);
    const path = rec.path.split('?')[0];
    const route = routes.find((r) => r.re.test(path));
    if (!route) {
      // a path no route has: the router's 404 (or a test of it), not an operation's answer
      if (rec.status === 404 || rec.status === 405) { skipped++; continue; }
      complain(rec, path, 'no path in the description matches');
      continue;
    }
    checked++;
    const item = spec.paths[route.template];
    const method = rec.method === 'HEAD' ? 'get' : rec.method.toLowerCase();
    const op = item[method];
    if (!op) {
      if (rec.status !== 405) complain(rec, route.template, 'the method is not described');
      continue;
    }
    const s = String(rec.status);
    const code = s in op.responses ? s : `${s[0]}XX` in op.responses ? `${s[0]}XX` : 'default' in op.responses ? 'default' : null;
    if (!code) { complain(rec, route.template, 'the status is not described'); continue; }
    const resp = deref(op.responses[code]);
    const h = headersOf(rec.headers);
    for (const [name, def] of Object.entries(resp.headers || {})) {
      if (deref(def).required && !(name.toLowerCase() in h)) complain(rec, route.template, `header ${name} is missing`);
    }
    if (rec.length === 0 || rec.method === 'HEAD') continue;
    const type = (h['content-type'] || '').split(';')[0].trim();
    if (!resp.content) { complain(rec, route.template, `a body (${type}) that is not described`); continue; }
    const media = type in resp.content ? type : '*/*' in resp.content ? '*/*' : null;
    if (!media) { complain(rec, route.template, `media type ${type} is not described`); continue; }
    const schema = resp.content[media].schema;
    if (!schema || rec.body === null) continue;
    // where the response's schema lives in the document, for ajv to follow its $refs
    const base = op.responses[code].$ref
      ? op.responses[code].$ref.replace(/^#/, '')
      : `/paths/${esc(route.template)}/${method}/responses/${code}`;
    const validate = validatorFor(`${deref(op.responses[code]) === resp ? base : base}/content/${esc(media)}/schema`);
    if (!validate(rec.body)) {
      const e = validate.errors[0];
      complain(rec, route.template, `body: ${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
    }
  }
}

for (const [key, n] of problems) console.log(`contract: ${key}${n > 1 ? ` (${n} times)` : ''}`);
const failed = [...problems.values()].reduce((a, b) => a + b, 0);
console.log(`contract: ${checked} responses checked against ${specPath}, ${failed} disagree, ${skipped} to paths no route has`);
process.exit(failed > 0 || checked === 0 ? 1 : 0);
