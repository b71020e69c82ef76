import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';

// Issue 14: arcs for event arguments and relations, drawn as brat draws them, made by
// drag or by keys; slots in words; a calm screen.

async function paste(loupe: LoupePage, title: string, text: string) {
  await loupe.page.getByLabel('Title').fill(title);
  await loupe.page.getByLabel('Text').fill(text);
  await loupe.page.getByRole('button', { name: 'Add this article' }).click();
  await expect(loupe.article).toBeVisible();
}

const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });

/** Drag the mouse from the middle of one highlight to the middle of another. */
async function dragArc(page: Page, from: string, to: string) {
  const centre = async (text: string) => {
    const box = (await page.locator('.article .seg.m', { hasText: new RegExp(`^${text}$`) }).first().boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  const a = await centre(from);
  const b = await centre(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await expect(page.locator('svg.drag-arc line')).toHaveCount(1);
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

async function tag(loupe: LoupePage, text: string, key: string, occurrence = 0) {
  await loupe.drag(text, occurrence);
  await loupe.page.keyboard.press(key);
  await expect(loupe.highlight(text).first()).toBeVisible();
}

async function attackEvent(loupe: LoupePage, trigger: string) {
  await loupe.drag(trigger);
  await loupe.page.keyboard.press('e');
  await loupe.page.keyboard.type('attack');
  await loupe.page.keyboard.press('Enter');
  await expect(loupe.article.locator('.seg.m.trigger', { hasText: trigger })).toBeVisible();
}

/** The arc labels drawn, as "label:from→to" (from data-ends). */
async function arcLabels(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.arcs .arc-label')].map((el) => {
      const [from, to] = el.getAttribute('data-ends')!.split(' ');
      return `${el.getAttribute('data-label')}:${from}→${to}`;
    }),
  );
}

/** Labels (of arcs and of span types) whose boxes overlap the characters of the text. */
async function labelsOverText(page: Page) {
  return page.evaluate(() => {
    const hits: string[] = [];
    // The characters' boxes: each segment's line boxes without the bracket padding below.
    const text = [...document.querySelectorAll('.article .seg')].flatMap((s) => {
      const pad = parseFloat(getComputedStyle(s).paddingBottom) || 0;
      return [...s.getClientRects()].map((r) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom - pad, text: s.textContent }));
    });
    const labels: { name: string; r: DOMRect }[] = [...document.querySelectorAll('.arcs .arc-label')].map((l) => ({
      name: l.getAttribute('data-label')!,
      r: l.getBoundingClientRect(),
    }));
    // A type label is the ::after of its segment, drawn above the segment's top.
    for (const seg of document.querySelectorAll('.article .seg[data-label]')) {
      const s = seg.getBoundingClientRect();
      const after = getComputedStyle(seg, '::after');
      const h = parseFloat(after.height) || 10;
      const w = parseFloat(after.width) || 20;
      labels.push({ name: seg.getAttribute('data-label')!, r: new DOMRect(s.right - w, s.top - h - 1, w, h) });
    }
    for (const { name, r: l } of labels) {
      for (const t of text) {
        if (l.left < t.right - 1 && t.left + 1 < l.right && l.top < t.bottom - 1 && t.top + 1 < l.bottom) {
          hits.push(`${name} over “${t.text}”`);
        }
      }
    }
    return hits;
  });
}

test('an event built by dragging arcs: trigger to mention offers only the roles that take its type', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Attack', 'Russian forces attacked the port of Odesa on Monday with drones.');
  await tag(loupe, 'Russian forces', 'o');
  await tag(loupe, 'port', 'f');
  await tag(loupe, 'Odesa', 'g');
  await attackEvent(loupe, 'attacked');

  await dragArc(page, 'attacked', 'Russian forces');
  const picker = page.getByRole('group', { name: 'Argument role or relation type' });
  await expect(picker).toBeVisible();
  // ACE's Attack: an ORG can be the Attacker or the Target, never the Place or the Time.
  await expect(picker.getByRole('button', { name: /Attacker/ })).toBeVisible();
  await expect(picker.getByRole('button', { name: /Place/ })).toHaveCount(0);
  await expect(picker.getByRole('button', { name: /Time/ })).toHaveCount(0);
  await picker.getByRole('button', { name: /Attacker/ }).click();
  await expect(picker).toHaveCount(0);

  await dragArc(page, 'attacked', 'Odesa');
  await page.getByRole('group', { name: 'Argument role or relation type' }).getByRole('button', { name: /Place/ }).click();

  // The arcs carry the roles, from the trigger to each argument, and are hidden from
  // screen readers; the inspector says the same in words.
  await expect.poll(() => arcLabels(page)).toEqual(expect.arrayContaining(['Attacker:E1→T1', 'Place:E1→T3']));
  // The outline follows arguments too (its lists follow the arcs' revision, not a tag's).
  await expect(inspector(page).getByRole('list', { name: 'Events' })).toContainText('attacked (2 arguments)');
  await expect(page.locator('.arcs').first()).toHaveAttribute('aria-hidden', 'true');
  await loupe.highlight('Odesa').click();
  await expect(inspector(page).getByRole('list', { name: 'Arguments and relations' })).toContainText('Place of E1');

  const { json } = await loupe.exportJson();
  const doc = json.documents[0];
  const byId = Object.fromEntries(doc.mentions.map((m: any) => [m.id, m.text]));
  expect(doc.events[0].arguments.map((a: any) => `${a.role}=${byId[a.target]}`).sort()).toEqual([
    'Attacker=Russian forces',
    'Place=Odesa',
  ]);
});

test('a relation made by drag, and one made by keys alone: digits, arrows and Enter pick the type (#13 bug 3)', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Relations', 'Oleh Marchenko heads the Odesa regional military administration. Marchenko spoke.');
  await tag(loupe, 'Oleh Marchenko', 'p');
  await tag(loupe, 'Odesa regional military administration', 'o');
  await tag(loupe, 'Marchenko', 'p', 1);

  // By drag: a mention to a mention asks for the relation type.
  await dragArc(page, 'Oleh Marchenko', 'Odesa regional military administration');
  const picker = page.getByRole('group', { name: 'Relation type' });
  await expect(picker).toBeVisible();
  await picker.getByRole('button', { name: /ORG-AFF/ }).click();
  await expect.poll(() => arcLabels(page)).toContain('ORG-AFF:T1→T2');
  await expect(inspector(page).getByRole('list', { name: 'Relations' }).getByRole('button')).toHaveCount(1);

  // By keys alone: select the second PER, R, move to the ORG, Enter, then the picker.
  await page.keyboard.press('Escape');
  await loupe.highlight('Marchenko').last().click();
  await page.keyboard.press('r');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(picker).toBeVisible();
  // The first type has the focus; Enter used to close the picker and drop the relation.
  const options = picker.locator('[data-option]');
  await expect(options.first()).toBeFocused();
  expect(await options.count()).toBeGreaterThanOrEqual(2);
  await page.keyboard.press('ArrowDown');
  await expect(options.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(options.first()).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(options.nth(1)).toBeFocused();
  const third = (await options.nth(1).textContent())!.replace(/^\d/, '').replace(/relation$/, '').trim();
  await page.keyboard.press('Enter');
  await expect(picker).toHaveCount(0);
  await expect.poll(() => arcLabels(page)).toContain(`${third}:T3→T2`);

  // And by digit: the first relation type, pressed as 1.
  await loupe.highlight('Oleh Marchenko').click();
  await page.keyboard.press('r');
  await loupe.highlight('Odesa regional military administration').click();
  const first = (await options.first().textContent())!.replace(/^\d/, '').replace(/relation$/, '').trim();
  await page.keyboard.press('1');
  await expect(picker).toHaveCount(0);
  await expect(inspector(page).getByRole('list', { name: 'Relations' }).getByRole('button')).toHaveCount(3);

  const { json } = await loupe.exportJson();
  const rels = json.documents[0].relations.map((r: any) => `${r.type}:${r.arg1}→${r.arg2}`).sort();
  expect(rels).toEqual([`ORG-AFF:T1→T2`, `${third}:T3→T2`, `${first}:T1→T2`].sort());
});

test('a type picker with nothing to offer says so on Enter instead of dropping the link silently', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Times', 'On Monday and on Tuesday.');
  await tag(loupe, 'Monday', 't');
  await tag(loupe, 'Tuesday', 't');
  await loupe.highlight('Monday').click();
  await page.keyboard.press('r');
  await loupe.highlight('Tuesday').click();
  await expect(page.getByRole('group', { name: 'Relation type' })).toContainText('allows no');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('note').filter({ hasText: 'Nothing was linked' })).toBeVisible();
});

test('the arcs of a nested argument and of an argument on another line: routed, stacked, never over the text', async ({ page }) => {
  const loupe = new LoupePage(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await loupe.open();
  const text =
    'Russian drones attacked Kyiv’s military administration building on Monday night, and the air defence ' +
    'forces of the city answered them for hours over the river, while residents sheltered in the metro stations of Kyiv.';
  await paste(loupe, 'Nested', text);
  await tag(loupe, 'Russian drones', 'w');
  await tag(loupe, 'Kyiv’s military administration building', 'f');
  await loupe.drag('Kyi');
  await page.keyboard.press('g');
  await tag(loupe, 'metro stations', 'f');
  await attackEvent(loupe, 'attacked');
  await page.keyboard.press('Escape');
  // Nested: the GPE inside the FAC is the Place; the FAC is the Target.
  await dragArc(page, 'attacked', 'Kyiv');
  await page.getByRole('group', { name: /role/ }).getByRole('button', { name: /Place/ }).click();
  await dragArc(page, 'attacked', 'Kyiv’s military administration building'.slice(4));
  await page.getByRole('group', { name: /role/ }).getByRole('button', { name: /Target/ }).click();
  // On another line: the metro stations, far down the paragraph.
  await dragArc(page, 'attacked', 'metro stations');
  await page.getByRole('group', { name: /role/ }).getByRole('button', { name: /Place/ }).click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  // Arcs are drawn after the next frame: wait for the last argument's two runs before measuring.
  await expect.poll(() => page.locator('.arcs g.arc[data-ends^="E1 T4 "]').count()).toBe(2);

  const arcs = await page.evaluate(() =>
    [...document.querySelectorAll('.arcs g.arc')].map((g) => {
      const r = g.getBoundingClientRect();
      return { ends: g.getAttribute('data-ends'), top: r.top, left: r.left, right: r.right };
    }),
  );
  const target = arcs.filter((a) => a.ends!.startsWith('E1 T2 '));
  const place = arcs.filter((a) => a.ends!.startsWith('E1 T3 '));
  expect(target).toHaveLength(1);
  expect(place).toHaveLength(1);
  // The nested Place arc is shorter, so the enclosing Target arc stacks above it.
  expect(target[0].top).toBeLessThan(place[0].top);
  // Across lines: two runs, one to the right edge and one in from the left edge.
  const far = arcs.filter((a) => a.ends!.startsWith('E1 T4 '));
  expect(far).toHaveLength(2);
  const para = await page.locator('.article .para').first().boundingBox();
  expect(Math.max(...far.map((a) => a.right))).toBeGreaterThan(para!.x + para!.width - 3);
  expect(Math.min(...far.map((a) => a.left))).toBeLessThan(para!.x + 3);
  // No arc label covers a character, and no type label either.
  expect(await labelsOverText(page)).toEqual([]);
  // H hides the arcs, and brings them back.
  await page.keyboard.press('h');
  await expect(page.locator('.arcs').first()).toBeHidden();
  await page.keyboard.press('h');
  await expect(page.locator('.arcs').first()).toBeVisible();

  // Hovering the GPE lights up its arc and the trigger at the other end.
  await loupe.highlight('Kyiv').first().hover();
  await expect(page.locator('.arcs .arc.hot')).toHaveCount(1);
  await expect(page.locator('.seg.m.linked.trigger')).toHaveCount(1);
  // Selecting the event fades every arc that is not its own.
  await loupe.article.locator('.seg.m.trigger').click();
  await expect(page.locator('.arcs.focused')).toHaveCount(1);
});

test('both edges of a nested span show, and a type label covers no character', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Putin', 'Putin’s spokesman said Kyiv’s military administration lied.');
  await tag(loupe, 'Putin', 'p');
  await tag(loupe, 'Kyiv’s military administration', 'o');
  await loupe.drag('Kyi');
  await page.keyboard.press('g');
  await page.keyboard.press('Escape');
  // The ’ right after "Putin" is not under the PER label.
  const covered = await page.evaluate(() => {
    const seg = [...document.querySelectorAll('.article .seg')].find((s) => s.textContent!.startsWith('’s spokesman'))!;
    const range = document.createRange();
    range.setStart(seg.firstChild!, 0);
    range.setEnd(seg.firstChild!, 1);
    const apostrophe = range.getBoundingClientRect();
    const label = document.querySelector('.seg[data-label="PER"]')!;
    const after = getComputedStyle(label, '::after');
    // The label is drawn above the text: its box ends where the text starts.
    return { position: after.position, bottom: after.bottom, apostropheTop: apostrophe.top, labelTop: label.getBoundingClientRect().top };
  });
  expect(covered.position).toBe('absolute');
  // The ORG's bracket starts under "Kyiv", one level below the GPE's: the ORG's extent is
  // drawn from its first character, in its own colour, in both segments.
  const brackets = await page.evaluate(() => {
    const kyiv = document.querySelector('.seg.m[data-label="GPE"]') as HTMLElement;
    const rest = [...document.querySelectorAll('.seg.m')].find((s) => s.textContent === '’s military administration') as HTMLElement;
    return { kyiv: kyiv.style.backgroundImage.split('linear-gradient').length - 1, kyivPos: kyiv.style.backgroundPosition, restPos: rest.style.backgroundPosition };
  });
  expect(brackets.kyiv).toBe(5); // GPE line + both ticks, ORG line + its start tick
  expect(brackets.kyivPos).toContain('left 0px bottom 2px'); // the ORG's start tick
  expect(brackets.restPos).toContain('right 0px bottom 2px'); // the ORG's end tick, same depth
});

test('digits move on: after a slot is filled the next digit arms that slot; empty slots say what they need', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Slots', 'Russian forces attacked the port of Odesa.');
  await tag(loupe, 'Russian forces', 'o');
  await tag(loupe, 'port', 'f');
  await attackEvent(loupe, 'attacked');
  const target = inspector(page).locator('.slot', { hasText: 'Target' });
  await expect(target).toContainText('required');
  await expect(target).toContainText(/takes .*FAC/);
  await page.keyboard.press('1');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  // Attacker takes any number; no Esc, and 2 arms the Target instead of adding an Attacker.
  await page.keyboard.press('2');
  await expect(page.getByRole('button', { name: /^Fill Target/ })).toHaveAttribute('aria-pressed', 'true');
  await loupe.highlight('port').click();
  await expect(target).toContainText('port');
  await expect(target).toContainText('filled');
  const attacker = inspector(page).locator('.slot', { hasText: 'Attacker' });
  await expect(attacker).toContainText('Russian forces');
});

test('notices never cover the controls: after six exports the toolbar still takes every click', async ({ page }) => {
  const loupe = new LoupePage(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await loupe.open();
  await loupe.loadSamples();
  for (let i = 0; i < 6; i++) {
    await page.getByRole('button', { name: 'Export…' }).click();
    const panel = page.getByRole('dialog', { name: 'Export annotations' });
    const download = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Download' }).click();
    await download;
    await page.keyboard.press('Escape');
  }
  await expect(page.locator('.alert')).not.toHaveCount(0);
  expect(await page.locator('.alert').count()).toBeLessThanOrEqual(3);
  // Every control of the top bar and the inspector is what a click there hits.
  const blocked = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll('.topbar button, .topbar select, .inspector button')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.bottom > innerHeight) continue;
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(el === hit || el.contains(hit))) out.push(`${el.textContent} under ${hit?.className}`);
    }
    const inspector = document.querySelector('.inspector')!.getBoundingClientRect();
    for (const a of document.querySelectorAll('.alert')) {
      const r = a.getBoundingClientRect();
      if (r.right > inspector.left) out.push(`notice over the inspector: ${a.textContent}`);
    }
    return out;
  });
  expect(blocked).toEqual([]);
  // Success notices fade by themselves.
  await expect(page.locator('.alert.info')).toHaveCount(0, { timeout: 9000 });
});

test('the help at 1366×768 scrolls, its Close stays in view, and Esc closes every popover', async ({ page }) => {
  const loupe = new LoupePage(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await loupe.open();
  await loupe.loadSamples();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  const close = help.getByRole('button', { name: 'Close (Esc)' });
  await expect(close).toBeInViewport();
  const box = (await help.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(768);
  await help.locator('.help-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(close).toBeInViewport();
  await expect(help).toContainText('with an annotation selected (or nothing): next / previous annotation');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // Import annotations closes on Esc, even after a click elsewhere.
  await page.getByRole('button', { name: 'Import annotations…' }).click();
  await expect(page.getByRole('dialog', { name: 'Import annotations' })).toBeVisible();
  await page.locator('.corpus-pane h2').first().click();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Import annotations' })).toHaveCount(0);
  // So do the menus of the top bar.
  await page.getByRole('button', { name: 'View' }).click();
  await expect(page.getByRole('group', { name: 'View' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('group', { name: 'View' })).toHaveCount(0);
});

test('the annotation screen with arcs on passes the accessibility audit', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Audit', 'Russian forces attacked the port of Odesa. Marchenko said so.');
  await tag(loupe, 'Russian forces', 'o');
  await tag(loupe, 'Odesa', 'g');
  await attackEvent(loupe, 'attacked');
  await dragArc(page, 'attacked', 'Odesa');
  await page.getByRole('group', { name: /role/ }).getByRole('button', { name: /Place/ }).click();
  await expect(page.locator('.arcs .arc')).toHaveCount(1);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious).toEqual([]);
});
