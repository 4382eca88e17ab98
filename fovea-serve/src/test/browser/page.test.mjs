// Drives the fovea serve web page in Debian's headless Chromium: loads it, uploads an image,
// checks the top label and that every layer's feature-map picture rendered, then draws on the
// canvas and checks that the drawing is classified too. Run by BrowserPageTest (inside mvn verify):
//   node page.test.mjs URL IMAGE EXPECTED_LABEL [SCREENSHOT.png]
// Chromium comes from the Debian package (never downloaded): FOVEA_CHROMIUM or /usr/bin/chromium.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, image, expected, screenshot] = process.argv.slice(2);
if (!url || !image || !expected) {
  console.error("usage: node page.test.mjs URL IMAGE EXPECTED_LABEL [SCREENSHOT.png]");
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), "fovea-chromium-"));
// A fresh profile every run (Playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.FOVEA_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // The machine's network is closed: nothing may phone home or wait for it.
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 900 },
});
let failed = 0, passed = 0;
function check(ok, what) {
  if (ok) { passed++; console.log("ok   " + what); } else { failed++; console.log("FAIL " + what); }
}
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("#model option", { state: "attached", timeout: 15000 });
  check((await page.textContent("#summary")).includes("Total params"), "the page shows the model summary");

  await page.setInputFiles("#file", image);
  await page.waitForFunction(() => document.querySelector("#top-label").textContent !== "–", null, { timeout: 30000 });
  const top = await page.textContent("#top-label");
  check(top === expected, `top label is ${expected} (got ${top})`);
  const bars = await page.$$eval(".bar-row", (rows) => rows.length);
  check(bars >= 2, `a probability bar per class (${bars})`);
  await page.waitForFunction(() => document.querySelectorAll("#maps figure img").length > 0, null, { timeout: 30000 });
  const maps = await page.$$eval("#maps figure img", (imgs) => Promise.all(imgs.map((img) =>
    img.decode().then(() => ({ w: img.naturalWidth, h: img.naturalHeight }), () => ({ w: 0, h: 0 })))));
  const layers = await page.evaluate(async () => (await (await fetch("/v1/models")).json()).models[0].layers.length);
  check(maps.length === layers, `one feature-map picture per layer (${maps.length} of ${layers})`);
  check(maps.every((m) => m.w > 0 && m.h > 0), "every feature-map picture rendered (natural size > 0)");
  const explain = await page.$$eval("#explain img", (imgs) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length);
  check(explain >= 2, `input and saliency pictures rendered (${explain})`);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

  // Drawing on the canvas is classified through the same API.
  const box = await page.locator("#canvas").boundingBox();
  await page.mouse.move(box.x + 80, box.y + 60);
  await page.mouse.down();
  await page.mouse.move(box.x + 200, box.y + 60, { steps: 8 });
  await page.mouse.move(box.x + 200, box.y + 220, { steps: 8 });
  await page.mouse.up();
  const before = await page.textContent("#input-desc");
  await page.click("#predict-drawing");
  await page.waitForFunction((b) => document.querySelector("#input-desc").textContent !== b, before, { timeout: 30000 });
  check((await page.textContent("#input-desc")).includes("PNG 280x280"), "the drawing was sent as a 280x280 PNG and classified");
  check(errors.length === 0, "no script errors" + (errors.length ? ": " + errors.join("; ") : ""));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
