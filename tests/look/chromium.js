// Runs one job in headless Chromium: reads the job (the JSON file named on the command line),
// hands the browser and the job to `work`, and prints what it returns as JSON; a failure goes to
// standard error, with exit code 1.
'use strict';

const fs = require('fs');
const { chromium } = require('playwright-core');

module.exports = function run(work, extraArgs = []) {
  (async () => {
    const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    const browser = await chromium.launch({
      executablePath: job.chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--lang=nl-NL', ...extraArgs],
    });
    try {
      process.stdout.write(JSON.stringify(await work(browser, job)));
    } finally {
      await browser.close();
    }
  })().catch((error) => {
    process.stderr.write(String(error && error.stack || error));
    process.exit(1);
  });
};
