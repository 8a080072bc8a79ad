// Vega specs (one JSON per line on stdin) → static SVG (one JSON line {"svg"} or {"error"} each on stdout), drawn by
// the Vega the site serves (node_modules/vega), with text measured from the chart font's advance widths.
// Started and fed by juesuan/charts/svg.py: node svg.mjs <vega.module.js> <width table, juesuan/charts/widths.py>.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const vega = await import(pathToFileURL(process.argv[2]).href);
const table = JSON.parse(readFileSync(process.argv[3], "utf8"));

// A code point → its advance in 1/1000 em: a binary search of the runs [first, last, advance]; .notdef if the font lacks it.
function advance(font, cp) {
  const runs = font.runs;
  let lo = 0, hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, run = runs[mid];
    if (cp < run[0]) hi = mid - 1;
    else if (cp > run[1]) lo = mid + 1;
    else return run[2];
  }
  return font.notdef;
}

// What Vega asks the canvas in a browser: the width of one line of an item's text, in px.
vega.textMetrics.width = (item, text) => {
  const size = item.fontSize != null ? (+item.fontSize || 0) : 11;  // Vega's own default font size
  const weight = item.fontWeight;
  const font = weight === "bold" || weight === "bolder" || +weight >= 600 ? table.bold : table.regular;
  let sum = 0;
  for (const ch of String(text ?? "")) sum += advance(font, ch.codePointAt(0));
  return sum / 1000 * size;
};

// Charts carry their data inline: anything that would load a file or URL is refused, and the chart fails
// (Vega itself only warns that loading failed and draws on without the data).
let errors = [];
const loader = vega.loader();
loader.sanitize = (uri) => {
  errors.push(`a chart may not load data from outside (${uri})`);
  return Promise.reject(new Error("refused"));
};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  let out;
  errors = [];  // Vega logs a bad expression and draws on: here that is an error
  const logger = vega.logger(vega.Warn, undefined, (method, level, args) => {
    if (level === "ERROR") errors.push(args.map(String).join(" "));
    else if (!errors.length) process.stderr.write(`${level} ${args.map(String).join(" ")}\n`);
  });
  try {
    const view = new vega.View(vega.parse(JSON.parse(line)), { renderer: "none", loader, logger });
    const image = await view.toSVG();
    view.finalize();
    out = errors.length ? { error: errors.join("; ") } : { svg: image };
  } catch (err) {
    out = { error: String(err && err.message || err) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
