// Validates Kubernetes manifests offline against the API's own OpenAPI schemas (kubernetes-models, pinned in
// package.json): every document's apiVersion/kind must be a known type and the document must match its schema
// (unknown fields, wrong types and missing required fields are errors). kubectl's --dry-run=client cannot do this
// here: it still asks an API server for discovery, and none can run on this machine.
// usage: node validate.mjs FILE.yaml…   prints one line per document; exits 1 if any is invalid.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

let failed = 0;
let count = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length) { console.log(`INVALID ${file}: ${doc.errors.map((e) => e.message).join('; ')}`); failed++; continue; }
    const obj = doc.toJS();
    if (obj == null) continue;
    count++;
    const where = `${file}: ${obj.kind ?? '?'} ${obj.metadata?.name ?? '?'}`;
    try {
      const [group, version] = String(obj.apiVersion).includes('/') ? obj.apiVersion.split('/') : [null, obj.apiVersion];
      const mod = await import(`kubernetes-models/${group ? group + '/' : ''}${version}`);
      const Model = mod[obj.kind];
      if (!Model) throw new Error(`unknown kind ${obj.kind} in ${obj.apiVersion}`);
      new Model(obj).validate();
      console.log(`valid ${where}`);
    } catch (e) {
      console.log(`INVALID ${where}: ${e.message}`);
      failed++;
    }
  }
}
console.log(`${count - failed} passed, ${failed} failed`);
process.exit(failed || count === 0 ? 1 : 0);
