// Draws Adaptive Cards as Microsoft Teams does, in headless Chromium, and reports what a reader
// would meet: the height of each card, axe-core's colour-contrast violations, and every warning
// of Microsoft's renderer while it read the card.
//
//   node render.js job.json
//
// job.json: {"cards": {"name": card or [cards of one message], ...}, "width": 450, "themes": ["light", "dark"],
//            "find": {"name": "a text in that card"}, "chromium": "/usr/bin/chromium",
//            "screenshots": "folder or null"}
// Prints one JSON list: [{"name", "theme", "height", "top", "contrast": [...], "warnings": [...]}]
// where "top" is how far below the top of the card the text to find begins (null: not found).
'use strict';

const fs = require('fs');
const path = require('path');
const run = require('./chromium');

const here = (...parts) => path.join(__dirname, 'node_modules', ...parts);
const read = (file) => fs.readFileSync(file, 'utf8');

// Teams' own look: the host config and the CSS of the designer's Teams container, per theme.
const theme = (name) => ({
  host: JSON.parse(read(here('adaptivecards-designer', 'lib', 'hostConfigs', `microsoft-teams-${name}.json`))),
  css: read(here('adaptivecards-designer', 'dist', 'containers', `teams-container-${name}.css`)),
});

// Host configs write colours as #AARRGGBB; CSS reads #RRGGBBAA.
const css_colour = (colour) => (colour.length === 9 ? `#${colour.slice(3)}${colour.slice(1, 3)}` : colour);

function page(css, background, width) {
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>kaart</title>
<style>${css} body{margin:0;background:${background}} #card{width:${width}px;background:${background}}</style>
</head><body><main><div id="card"></div></main></body></html>`;
}

// In the page: the card (or the cards of one message, one under the other, as Teams stacks a
// message's attachments) drawn with the host config; the renderer's warnings while it read them.
function draw([cards, host]) {
  const AC = window.AdaptiveCards;
  const warnings = [];
  for (const card of Array.isArray(cards) ? cards : [cards]) {
    const adaptive = new AC.AdaptiveCard();
    adaptive.hostConfig = new AC.HostConfig(host);
    const context = new AC.SerializationContext();
    adaptive.parse(card, context);
    for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
    for (const event of adaptive.validateProperties().validationEvents) warnings.push(event.message);
    const element = adaptive.render();
    if (!element) {
      warnings.push('the renderer drew nothing');
      continue;
    }
    element.style.marginBottom = '8px';
    document.getElementById('card').appendChild(element);
  }
  return warnings;
}

run(async (browser, job) => {
  const width = job.width || 450;
  const results = [];
  const tab = await browser.newPage({ viewport: { width: width + 40, height: 800 }, locale: 'nl-NL' });
  const renderer = read(here('adaptivecards', 'dist', 'adaptivecards.min.js'));
  const axe = read(here('axe-core', 'axe.min.js'));
  for (const name of job.themes || ['light', 'dark']) {
    const { host, css } = theme(name);
    const background = css_colour(host.containerStyles.default.backgroundColor);
    for (const [cardName, card] of Object.entries(job.cards)) {
      await tab.setViewportSize({ width: width + 40, height: 800 });
      await tab.setContent(page(css, background, width));
      await tab.addScriptTag({ content: renderer });
      await tab.addScriptTag({ content: axe });
      const warnings = await tab.evaluate(draw, [card, host]);
      const contrast = await tab.evaluate(async () => {
        const found = await window.axe.run(document.getElementById('card'), { runOnly: ['color-contrast'] });
        return found.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.any.map((a) => a.message).join('; ')}`));
      });
      const [height, top] = await tab.evaluate((text) => {
        const card = document.getElementById('card');
        const box = card.getBoundingClientRect();
        const holder = text && [...card.querySelectorAll('p, span, div')].find((e) => e.children.length === 0 && e.textContent.includes(text));
        return [box.height, holder ? holder.getBoundingClientRect().top - box.top : null];
      }, (job.find || {})[cardName] || null);
      if (job.screenshots) {
        await tab.setViewportSize({ width: width + 40, height: Math.ceil(height) + 16 });
        await tab.locator('#card').screenshot({ path: path.join(job.screenshots, `${cardName}-${name}.png`) });
      }
      results.push({ name: cardName, theme: name, height: Math.round(height), top: top === null ? null : Math.round(top), contrast, warnings });
    }
  }
  return results;
}, ['--font-render-hinting=none']);
