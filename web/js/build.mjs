// Bundles src/index.js into one ES module: not minified, legal comments kept, no
// timestamps or absolute paths, so the same lock file gives the same bytes. Next to the
// bundle, LICENSES/<package>.txt holds the licence of every package bundled into it.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
const out = process.argv[2] && resolve(process.cwd(), process.argv[2]);
if (!out) throw new Error("usage: node build.mjs OUTFILE");

const result = await build({
  entryPoints: [join(here, "src/index.js")],
  absWorkingDir: here,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: false,
  legalComments: "inline",
  charset: "utf8",
  sourcemap: false,
  metafile: true,
  define: { ETENDER_SIGN_VERSION: JSON.stringify(pkg.version) },
  banner: { js: `// etender-sign ${pkg.version}: built by scripts/build-js from web/js (see docs/browser-signing.md).` },
  outfile: out,
  logLevel: "warning",
});

// The packages whose code is in the bundle: node_modules/<name> or node_modules/@scope/<name>.
const bundled = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) bundled.add(m[1]);
}
const licenses = join(dirname(out), "LICENSES");
mkdirSync(licenses, { recursive: true });
for (const name of [...bundled].sort()) {
  const dir = join(here, "node_modules", name);
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  if (!file) throw new Error(`${name} ships no licence file: check its terms before bundling it`);
  copyFileSync(join(dir, file), join(licenses, `${name.replace("@", "").replace("/", "-")}.txt`));
}
