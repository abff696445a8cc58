// Independent check of the licences in hallmark's SBOMs with Debian's spdx-expression-parse
// (node-spdx-expression-parse). Usage: node check_licenses.js SPDX_OR_CDX.json...
// Prints "licenses N expressions checked" and exits 1 on the first value the parser rejects,
// on a LicenseRef- not defined in hasExtractedLicensingInfos, or on a DocumentRef- not in
// externalDocumentRefs.
'use strict';
const fs = require('fs');
const parse = require('spdx-expression-parse');

let checked = 0;
function fail(file, msg) {
  console.error(`FAIL: ${file}: ${msg}`);
  process.exit(1);
}
function check(file, where, value) {
  checked++;
  try {
    parse(value);
  } catch (e) {
    fail(file, `${where}: "${value}" is not an SPDX expression (${e.message})`);
  }
}
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (doc.spdxVersion) {
    const refs = new Set((doc.hasExtractedLicensingInfos || []).map((i) => i.licenseId));
    const docRefs = new Set((doc.externalDocumentRefs || []).map((d) => d.externalDocumentId));
    for (const p of doc.packages) {
      for (const f of ['licenseDeclared', 'licenseConcluded']) {
        const v = p[f];
        if (v === undefined) fail(file, `${p.SPDXID}: no ${f}`);
        if (v === 'NOASSERTION' || v === 'NONE') continue;
        check(file, `${p.SPDXID}.${f}`, v);
        for (const r of v.match(/LicenseRef-[A-Za-z0-9.-]+/g) || [])
          if (!refs.has(r) && !/DocumentRef-/.test(v)) fail(file, `${r} is not in hasExtractedLicensingInfos`);
        for (const d of v.match(/DocumentRef-[A-Za-z0-9.-]+/g) || [])
          if (!docRefs.has(d)) fail(file, `${d} is not in externalDocumentRefs`);
      }
    }
  } else {
    const comps = [doc.metadata && doc.metadata.component, ...(doc.components || [])].filter(Boolean);
    for (const c of comps)
      for (const l of c.licenses || []) {
        if (l.expression !== undefined) check(file, `${c['bom-ref']} expression`, l.expression);
        else if (l.license && l.license.id !== undefined) check(file, `${c['bom-ref']} license.id`, l.license.id);
        else if (l.license && l.license.name !== undefined) {
          // A name is for what is not an SPDX id: one the parser accepts should have been an id
          // or an expression.
          let ok = true;
          try { parse(l.license.name); } catch (e) { ok = false; }
          if (ok) fail(file, `${c['bom-ref']}: "${l.license.name}" is written as a name but is an SPDX expression`);
        }
      }
  }
}
console.log(`licenses ${checked} expressions checked`);
