// After `trunk build --release`: pin a strict Content-Security-Policy on dist/index.html, and
// write dist/loupe.html, one self-contained file (JS glue, wasm as base64, CSS) that works
// from file:// with no server.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const read = (name) => readFileSync(join(dist, name));
const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

// Drop a policy an earlier run pinned, so running this twice gives the same output.
const index = read('index.html')
  .toString('utf8')
  .replace(/\n\s*<meta http-equiv="Content-Security-Policy"[^>]*>/g, '');
const scriptMatch = index.match(/<script type="module">([\s\S]*?)<\/script>/);
const jsName = index.match(/from '\/([^']+\.js)'/)?.[1];
const wasmName = index.match(/module_or_path: '\/([^']+\.wasm)'/)?.[1];
const cssName = index.match(/<link rel="stylesheet" href="\/([^"]+\.css)"/)?.[1];
if (!scriptMatch || !jsName || !wasmName || !cssName) {
  throw new Error('dist/index.html does not look like trunk output; cannot find the script, wasm and CSS');
}

// What the app truly needs: its own script (by hash) and wasm compilation; its own CSS;
// inline style attributes for highlight colours (validated #rrggbb); a data: icon. No
// connections anywhere, no frames, no forms posting out.
function policy({ scripts, styles, connect, workers }) {
  return [
    "default-src 'none'",
    `script-src ${scripts} 'wasm-unsafe-eval'`,
    `style-src ${styles}`,
    "style-src-attr 'unsafe-inline'",
    `connect-src ${connect}`,
    // The training worker (src/browser/trainer.rs) is made from a Blob URL; served, it
    // imports the glue JS, which Chromium checks against worker-src.
    `worker-src ${workers}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
const meta = (csp) => `<meta http-equiv="Content-Security-Policy" content="${csp}" />`;

// 1. The served bundle: its own files from 'self', and trunk's inline loader by hash.
const served = index.replace(
  '<meta charset="utf-8" />',
  `<meta charset="utf-8" />\n    ${meta(policy({ scripts: `'self' ${sha256(scriptMatch[1])}`, styles: "'self'", connect: "'self'", workers: "'self' blob:" }))}`,
);
writeFileSync(join(dist, 'index.html'), served);

// 2. The single file: the glue's exports become local, and init gets the wasm bytes.
const glue = read(jsName)
  .toString('utf8')
  .replace(/^export \{ initSync, __wbg_init as default \};\s*$/m, '')
  .replace(/^export (class|function|const|let) /gm, '$1 ');
if (/^export /m.test(glue)) throw new Error(`unexpected export left in ${jsName}`);
const wasmBase64 = read(wasmName).toString('base64');
// The training worker reuses the glue: it cuts the page's script at this marker
// (GLUE_END in src/browser/trainer.rs).
const exported = [...read(jsName).toString('utf8').matchAll(/^export (?:class|function) (\w+)/gm)].map((m) => m[1]);
const loader = `${glue}
//# loupe-glue-end
window.wasmBindings = { ${exported.join(', ')} };
const wasmBytes = Uint8Array.from(atob("${wasmBase64}"), (c) => c.charCodeAt(0));
const started = await __wbg_init({ module_or_path: wasmBytes });
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm: started } }));
`;
if (loader.includes('</script')) throw new Error('the glue contains </script and cannot be inlined');
const css = read(cssName).toString('utf8');

const single = index
  .replace(scriptMatch[0], () => `<script type="module">${loader}</script>`)
  .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>${css}</style>`)
  .replace(/<link rel="modulepreload"[^>]*>/, '')
  .replace(/<link rel="preload"[^>]*>/, '')
  .replace(
    '<meta charset="utf-8" />',
    () => `<meta charset="utf-8" />\n    ${meta(policy({ scripts: sha256(loader), styles: sha256(css), connect: "'none'", workers: 'blob:' }))}`,
  );
writeFileSync(join(dist, 'loupe.html'), single);
console.log(`wrote ${join(dist, 'loupe.html')} (${(Buffer.byteLength(single) / 1024).toFixed(0)} KiB) and pinned the CSP on index.html`);
