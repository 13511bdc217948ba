// Bundles src/index.js into one ES module: not minified, legal comments kept, no
// timestamps or absolute paths, so the same lock file gives the same bytes.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const out = process.argv[2] && resolve(process.cwd(), process.argv[2]);
if (!out) throw new Error("usage: node build.mjs OUTFILE");

await build({
  entryPoints: [new URL("./src/index.js", import.meta.url).pathname],
  absWorkingDir: new URL(".", import.meta.url).pathname,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: false,
  legalComments: "inline",
  charset: "utf8",
  sourcemap: false,
  define: { ETENDER_SIGN_VERSION: JSON.stringify(pkg.version) },
  banner: { js: `// etender-sign ${pkg.version}: built by scripts/build-js from web/js (see docs/browser-signing.md).` },
  outfile: out,
  logLevel: "warning",
});
