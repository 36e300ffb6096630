// Injected into the CommonJS build: what `import.meta.url` means in the ESM Node entry.
export const __volc_im_url = require("node:url").pathToFileURL(__filename).href;
