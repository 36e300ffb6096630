// Appends a custom section `volc_im` naming which build a .wasm is ("server", "web" or
// "sign"). The three builds import the same functions, so instantiating one with another's glue
// would succeed and fail later, at a closure call; pkg-template/wasm-load.js reads this section
// from the compiled module first and refuses a file its entry was not built with.
//   node scripts/tag-wasm.mjs FILE BUILD
import { readFileSync, writeFileSync } from "node:fs";

const [file, build] = process.argv.slice(2);
if (!file || !["server", "web", "sign"].includes(build)) {
  console.error("usage: node scripts/tag-wasm.mjs FILE server|web|sign");
  process.exit(2);
}
const uleb = (n) => {
  const out = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n);
  return out;
};
const name = Buffer.from("volc_im");
const payload = Buffer.concat([Buffer.from(uleb(name.length)), name, Buffer.from(build)]);
const wasm = readFileSync(file);
if (WebAssembly.Module.customSections(new WebAssembly.Module(wasm), "volc_im").length) {
  console.error(`${file} is already tagged`);
  process.exit(1);
}
const tagged = Buffer.concat([wasm, Buffer.from([0, ...uleb(payload.length)]), payload]);
new WebAssembly.Module(tagged); // still a valid module
writeFileSync(file, tagged);
