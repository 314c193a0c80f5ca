// Opens web pages in headless Chromium as a reader does and reports what they would meet:
// axe-core's WCAG 2.1 A and AA violations, the links the Tab key reaches against every link on
// the page, and the page printed to PDF (A4, as the print stylesheet asks).
//
//   node pages.js job.json
//
// job.json: {"pages": {"name": "http://127.0.0.1:…/dashboard/…", ...}, "chromium": "/usr/bin/chromium",
//            "folder": "where the PDFs (and screenshots) go"}
// Prints one JSON list: [{"name", "violations": [...], "links": [...], "reached": [...], "pdf": path}]
'use strict';

const fs = require('fs');
const path = require('path');
const run = require('./chromium');

const axe = fs.readFileSync(path.join(__dirname, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

run(async (browser, job) => {
  const results = [];
  // the page's own policy allows no script; axe is the test's, put in past it
  const tab = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'nl-NL', bypassCSP: true });
  for (const [name, url] of Object.entries(job.pages)) {
    await tab.goto(url);
    await tab.addScriptTag({ content: axe });
    const found = await tab.evaluate(async () => {
      const run = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return run.violations.map((v) => `${v.id}: ${v.nodes.length}× ${v.help}`);
    });
    if (job.screenshots) {  // as it opens, before the keyboard moves it
      await tab.screenshot({ path: path.join(job.screenshots, `dashboard-${name}.png`), fullPage: false });
    }
    const links = await tab.evaluate(() => [...document.querySelectorAll('a[href], summary')]
      .map((a) => a.getAttribute('href') || 'summary:' + a.textContent.trim()));
    const reached = [];
    await tab.evaluate(() => document.activeElement && document.activeElement.blur());
    for (let i = 0; i < links.length + 2; i += 1) {  // Tab through the page, as far as it goes
      await tab.keyboard.press('Tab');
      const here = await tab.evaluate(() => {
        const a = document.activeElement;
        return a && a !== document.body ? (a.getAttribute('href') || 'summary:' + a.textContent.trim()) : null;
      });
      if (here === null || (reached.length && here === reached[0])) break;
      reached.push(here);
    }
    const pdf = path.join(job.folder, `${name}.pdf`);
    await tab.emulateMedia({ media: 'print' });
    await tab.pdf({ path: pdf, preferCSSPageSize: true });
    await tab.emulateMedia({ media: 'screen' });
    results.push({ name, violations: found, links, reached, pdf });
  }
  return results;
});
