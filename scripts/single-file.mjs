// After `trunk build --release`: pin a strict Content-Security-Policy on dist/index.html, and
// write dist/loupe.html, one self-contained file (JS glue, wasm as base64, CSS) that works
// from file:// with no server.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

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
// The wasm rides gzipped, as base64 in a data block the parser skips and V8 never scans:
// the page is 2.4 times smaller, and the browser inflates it (DecompressionStream) into
// a streaming compile. Decoding 3 MB of base64 one character at a time with
// Uint8Array.from(atob(…), callback) was 320 ms of a 470 ms cold start from file://.
const wasmGzip = gzipSync(read(wasmName), { level: 9 }).toString('base64');
// The training worker reuses the glue: it cuts the page's script at this marker
// (GLUE_END in src/browser/trainer.rs).
const exported = [...read(jsName).toString('utf8').matchAll(/^export (?:class|function) (\w+)/gm)].map((m) => m[1]);
const loader = `${glue}
//# loupe-glue-end
window.wasmBindings = { ${exported.join(', ')} };
{
  // A block of its own: these names stay out of the glue's scope.
  const block = document.getElementById("loupe-wasm");
  const base64 = block.textContent;
  block.remove();
  let packed;
  if (Uint8Array.fromBase64) packed = Uint8Array.fromBase64(base64);
  else {
    const s = atob(base64);
    packed = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) packed[i] = s.charCodeAt(i);
  }
  const inflated = new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"));
  const response = new Response(inflated, { headers: { "content-type": "application/wasm" } });
  const started = await __wbg_init({ module_or_path: response });
  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm: started } }));
}
`;
if (loader.includes('</script')) throw new Error('the glue contains </script and cannot be inlined');
const css = read(cssName).toString('utf8');

const single = index
  .replace(scriptMatch[0], () => `<script type="module">${loader}</script>`)
  .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>${css}</style>`)
  .replace(/<link rel="modulepreload"[^>]*>/, '')
  .replace(/<link rel="preload"[^>]*>/, '')
  .replace('<body>', () => `<body>\n    <script type="application/octet-stream" id="loupe-wasm">${wasmGzip}</script>`)
  .replace(
    '<meta charset="utf-8" />',
    () => `<meta charset="utf-8" />\n    ${meta(policy({ scripts: sha256(loader), styles: sha256(css), connect: "'none'", workers: 'blob:' }))}`,
  );
writeFileSync(join(dist, 'loupe.html'), single);
console.log(`wrote ${join(dist, 'loupe.html')} (${(Buffer.byteLength(single) / 1024).toFixed(0)} KiB) and pinned the CSP on index.html`);
