// Builds SaferHub's front-end assets into src/saferhub/web/static/dist/ (git-ignored):
// GOV.UK Frontend compiled from Sass with our own styles, its fonts and images, its
// JavaScript, and htmx. Run by `npm run build`, which the install step calls.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/saferhub/web/static/dist");
const govuk = join(root, "node_modules/govuk-frontend/dist/govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "src/saferhub/web/assets/saferhub.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(join(out, "saferhub.css"), css.css);

cpSync(join(govuk, "assets"), join(out, "assets"), { recursive: true });
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(root, "node_modules/htmx.org/dist/htmx.min.js"), join(out, "htmx.min.js"));
cpSync(join(root, "src/saferhub/web/assets/saferhub.mjs"), join(out, "saferhub.mjs"));
console.log(`assets built in ${out}`);
